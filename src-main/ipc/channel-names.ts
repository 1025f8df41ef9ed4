/**
 * The names of every request channel and pushed event, and nothing else.
 * Kept apart from the schemas so the preload (which runs sandboxed and should
 * stay tiny) can build its named API object without bundling zod. A test
 * checks these lists against the schema maps in channels.ts and events.ts.
 */
export const IPC_PREFIX = 'stratam:';
export const EVENT_CHANNEL = 'stratam:event';

export const CHANNEL_NAMES = [
  'profilesList',
  'profilesAdd',
  'profilesRemove',
  'connect',
  'confirmHostKey',
  'disconnect',
  'connections',
  'status',
  'pause',
  'pauseAll',
  'resume',
  'holdPauseSet',
  'mirrorCapSet',
  'trustList',
  'trustAdd',
  'trustRevoke',
  'breakerStatus',
  'breakerRearm',
  'auditQuery',
  'auditFollow',
  'auditUnfollow',
  'auditSearch',
  'auditWindow',
  'warningsList',
  'warningsAcknowledge',
  'vaultStatus',
  'vaultRotate',
  'vaultVerify',
  'sandboxCheck',
  'sandboxRun',
  'snapshotsList',
  'backupsList',
  'exportData',
  'exportChooseFile',
  'trayState',
  'notificationsMute',
  'incident',
  'snapshotDiff',
  'rollback',
  'signout',
  'dataDelete',
] as const;

export type ChannelName = (typeof CHANNEL_NAMES)[number];

export const EVENT_NAMES = ['link', 'audit', 'warning', 'breaker', 'progress', 'output', 'tray', 'pauseQueue'] as const;
export type EventName = (typeof EVENT_NAMES)[number];

export const isChannelName = (s: string): s is ChannelName => (CHANNEL_NAMES as readonly string[]).includes(s);
