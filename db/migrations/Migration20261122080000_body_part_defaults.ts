import { Migration } from '@mikro-orm/migrations';

// A starting vocabulary of body parts, so a new clinic can open cases at once; admins edit it under
// /admin/body-parts. Names an active part already uses (any case) are skipped.
const DEFAULT_BODY_PARTS = [
	'Neck',
	'Upper back / thoracic spine',
	'Lumbar spine',
	'Left shoulder',
	'Right shoulder',
	'Left elbow',
	'Right elbow',
	'Left wrist and hand',
	'Right wrist and hand',
	'Left hip',
	'Right hip',
	'Left knee',
	'Right knee',
	'Left ankle and foot',
	'Right ankle and foot',
	'Jaw (TMJ)',
	'Head',
	'Chest',
	'Pelvis'
];

const quoted = DEFAULT_BODY_PARTS.map((name) => `'${name.replaceAll("'", "''")}'`);

export class Migration20261122080000_body_part_defaults extends Migration {
	override name = 'Migration20261122080000_body_part_defaults';

	override up(): void | Promise<void> {
		this.addSql(
			`insert into "body_part" ("name", "is_active", "created_at")
			 select v.name, true, now() from (values ${quoted.map((q) => `(${q})`).join(', ')}) as v(name)
			 where not exists (select 1 from "body_part" b where lower(b."name") = lower(v.name) and b."is_active");`
		);
	}

	override down(): void | Promise<void> {
		// Only the defaults no case uses: case_body_part cascades on delete, and a down migration must
		// not quietly strip body parts from patients' cases.
		this.addSql(
			`delete from "body_part" b
			 where b."name" in (${quoted.join(', ')})
			   and not exists (select 1 from "case_body_part" cbp where cbp."body_part_id" = b."id");`
		);
	}
}
