// Each worker process writes its heartbeat here; /healthz reports the freshest one.
import { defineEntity, p } from '@mikro-orm/postgresql';

const WorkerHeartbeatSchema = defineEntity({
	name: 'WorkerHeartbeat',
	tableName: 'worker_heartbeat',
	properties: {
		id: p.string().length(200).primary(),
		startedAt: p.datetime(),
		lastSeenAt: p.datetime().index()
	}
});

export class WorkerHeartbeat extends WorkerHeartbeatSchema.class {}
WorkerHeartbeatSchema.setClass(WorkerHeartbeat);
export { WorkerHeartbeatSchema };
