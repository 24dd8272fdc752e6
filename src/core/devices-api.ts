/**
 * The devices part of the UI contract (kept apart from api.ts so the feature stays in its own files).
 * The controller (meshdrop.ts) implements it; md-devices and the onboarding's link form use it.
 */
import type { IdentityRecord } from '../store/schema.js';
import type { DeviceLinkRequestView, DeviceView } from './devices-service.js';

export type { DeviceLinkRequestView, DeviceView };

/** Events: 'devices' (Event: the list changed), 'device-link-request' (CustomEvent<DeviceLinkRequestView>). */
export interface DevicesApi extends EventTarget {
  readonly identity: IdentityRecord | undefined;
  /** Every linked device, this one first. */
  listDevices(): Promise<DeviceView[]>;
  /** Link requests that arrived and wait for confirmation (e.g. while another screen was open). */
  pendingDeviceLinkRequests(): Promise<DeviceLinkRequestView[]>;
  /** Renames this device (same rules as display names); every device's list shows the new name. */
  renameDevice(name: string): Promise<void>;
  /** Marks a device unlinked; that device removes the account when it hears of it (see README: limits). */
  unlinkDevice(id: string): Promise<void>;
  /** Device 1: a link (and QR code) for a new device, valid for 10 minutes. */
  createDeviceLink(): Promise<{ link: string; expiresAt: number }>;
  /** Device 1: the codes match; send the new device the keys and the account state. */
  confirmDeviceLink(requestId: string): Promise<void>;
  rejectDeviceLink(requestId: string): Promise<void>;
  /** Device 2 (fresh profile): links to an existing account; `onCode` gets the code to compare. Throws LinkError. */
  linkToAccount(link: string, deviceName: string, onCode: (code: string) => void): Promise<IdentityRecord>;
}
