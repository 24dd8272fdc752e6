// What screens reach through @lit/context instead of having every value passed down by the shell.
import { createContext } from '@lit/context';
import type { MeshdropApi } from '../core/api.js';
import type { DeviceApi } from '../core/device.js';
import type { Preferences } from '../core/preferences.js';
import type { FileShellApi } from './md-file-state.js';

/**
 * What the shell and its screens need from the controller. The file methods are implemented by the files
 * feature; until the controller has them, attaching files reports that it is unavailable instead of pretending.
 * The optional methods are features a controller may lack (older builds, the test stand-in).
 */
export type ShellApi = Omit<MeshdropApi, 'maxFileBytes' | 'sendFiles' | 'getFile' | 'pendingShares' | 'sendShare'> &
  FileShellApi & {
    /** Mutes or unmutes notifications for one chat (synced to the account's linked devices). */
    setChannelMuted?(channelId: string, muted: boolean): Promise<void>;
    /** Sets the largest file this device accepts and sends, in bytes. */
    setMaxFileBytes?(bytes: number): Promise<void>;
    /** This device's preferences. */
    readonly preferences?: Preferences;
    /** Changes and stores some preferences. */
    setPreferences?(patch: Partial<Preferences>): Promise<void>;
  };

/** The controller, provided by md-app to every screen. */
export const apiContext = createContext<ShellApi | undefined>(Symbol('meshdrop-api'));

/** The browser's device features (notification permission, storage, badge), provided by md-app. */
export const deviceContext = createContext<DeviceApi | undefined>(Symbol('meshdrop-device'));
