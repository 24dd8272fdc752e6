/** Typed custom events that UI components send up to the shell. */

export interface CreateIdentityDetail {
  name: string;
}

export interface ImportBackupDetail {
  text: string;
  passphrase: string;
}

export interface ExportBackupDetail {
  passphrase: string;
}

export function emit<T>(el: HTMLElement, type: string, detail: T): void {
  el.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true }));
}

/** Reads a File as text; kept here so components stay declarative. */
export function readFileText(file: File): Promise<string> {
  return file.text();
}
