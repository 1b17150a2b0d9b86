// The explicit list of every entity: no folder scanning, so the web build, the worker on plain
// Node and the migration generator all see the same set.
import { WorkerHeartbeatSchema } from '../health/worker-heartbeat.entity.ts';
import { NotificationSchema } from '../notifications/notification.entity.ts';

export const entities = [NotificationSchema, WorkerHeartbeatSchema];
