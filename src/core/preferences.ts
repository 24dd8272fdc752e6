// Per-device preferences kept in the settings store (never synced): how notifications read, the theme, and
// whether the durable-storage warning was dismissed.

/** Colour theme: follow the system, or force one. */
export type Theme = 'system' | 'light' | 'dark';

/** The device's preferences. */
export interface Preferences {
  /** Notifications show only who wrote, not what. */
  hidePreviews: boolean;
  theme: Theme;
  /** The user dismissed the warning that history may be evicted (storage not durable). */
  storageWarningDismissed: boolean;
  /** The user answered "Not now" to the offer to turn on notifications (settings still has the button). */
  notifyPromptDismissed: boolean;
}

/** Preferences of a new device. */
export const DEFAULT_PREFERENCES: Preferences = {
  hidePreviews: false,
  theme: 'system',
  storageWarningDismissed: false,
  notifyPromptDismissed: false,
};

/** The settings-store key. */
export const PREFERENCES_SETTING = 'preferences';

const THEMES: readonly Theme[] = ['system', 'light', 'dark'];

/** Valid preferences from whatever was stored (unknown or malformed fields fall back to the defaults). */
export function readPreferences(stored: unknown): Preferences {
  const v = (stored && typeof stored === 'object' ? stored : {}) as Record<string, unknown>;
  return {
    hidePreviews: typeof v.hidePreviews === 'boolean' ? v.hidePreviews : DEFAULT_PREFERENCES.hidePreviews,
    theme: THEMES.includes(v.theme as Theme) ? (v.theme as Theme) : DEFAULT_PREFERENCES.theme,
    storageWarningDismissed: typeof v.storageWarningDismissed === 'boolean' ? v.storageWarningDismissed : false,
    notifyPromptDismissed: typeof v.notifyPromptDismissed === 'boolean' ? v.notifyPromptDismissed : false,
  };
}
