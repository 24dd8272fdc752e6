import { css } from 'lit';

/** Shared component styles; colours come from CSS custom properties set in index.html (light and dark). */
export const baseStyles = css`
  :host {
    color: var(--md-fg);
    font: inherit;
  }
  button,
  input,
  textarea,
  select {
    font: inherit;
    color: inherit;
  }
  button {
    background: var(--md-accent);
    color: var(--md-on-accent);
    border: none;
    border-radius: 8px;
    padding: 0.55em 1em;
    cursor: pointer;
    min-height: 44px;
  }
  button.secondary {
    background: transparent;
    color: var(--md-accent);
    border: 1px solid var(--md-accent);
  }
  button:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
  :focus-visible {
    outline: 3px solid var(--md-focus);
    outline-offset: 2px;
  }
  input,
  textarea,
  select {
    background: var(--md-input-bg);
    border: 1px solid var(--md-border);
    border-radius: 8px;
    padding: 0.55em 0.75em;
    min-height: 44px;
    box-sizing: border-box;
  }
  .error {
    color: var(--md-error);
  }
  .muted {
    color: var(--md-muted);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
