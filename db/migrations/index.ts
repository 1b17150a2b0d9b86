// Every migration, in order. A new file from `npm run db:migration:create` is added here by hand,
// so the web build, the worker and the CLI apply exactly the same list without scanning folders.
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122042256_initial } from './Migration20261122042256_initial.ts';
import { Migration20261122043627_staff_accounts } from './Migration20261122043627_staff_accounts.ts';
import { Migration20261122050423_patients } from './Migration20261122050423_patients.ts';
import { Migration20261122054408_admin_setup } from './Migration20261122054408_admin_setup.ts';
import { Migration20261122074520_cases_and_appointments } from './Migration20261122074520_cases_and_appointments.ts';
import { Migration20261122080000_body_part_defaults } from './Migration20261122080000_body_part_defaults.ts';
import { Migration20261122080812_teams_and_routing } from './Migration20261122080812_teams_and_routing.ts';
import { Migration20261129173043_portal_and_requests } from './Migration20261129173043_portal_and_requests.ts';
import { Migration20261129173414_api_keys } from './Migration20261129173414_api_keys.ts';
import { Migration20261129200829_case_list_order } from './Migration20261129200829_case_list_order.ts';
import { Migration20261129210000_case_name_search } from './Migration20261129210000_case_name_search.ts';
import { Migration20261129220000_current_case_order } from './Migration20261129220000_current_case_order.ts';
import { Migration20261201090000_notification_redaction } from './Migration20261201090000_notification_redaction.ts';
import { Migration20261202082000_clinic_clock } from './Migration20261202082000_clinic_clock.ts';
import { Migration20261202084000_case_triage_only } from './Migration20261202084000_case_triage_only.ts';
import { Migration20261202085000_patient_merge_concessions_referral_type } from './Migration20261202085000_patient_merge_concessions_referral_type.ts';
import { Migration20261202091000_report_indexes } from './Migration20261202091000_report_indexes.ts';
import { Migration20261202090000_outbox_choice } from './Migration20261202090000_outbox_choice.ts';
import { Migration20261202122000_medical_alert_ids } from './Migration20261202122000_medical_alert_ids.ts';
import { Migration20261202121000_api_team_cases } from './Migration20261202121000_api_team_cases.ts';
import { Migration20261202121100_api_key_scopes } from './Migration20261202121100_api_key_scopes.ts';
import { Migration20261202121200_webhooks } from './Migration20261202121200_webhooks.ts';
import { Migration20261202120100_patient_communications } from './Migration20261202120100_patient_communications.ts';
import { Migration20261202123000_clinical_notes } from './Migration20261202123000_clinical_notes.ts';
import { Migration20261202160000_case_event_patient_linked } from './Migration20261202160000_case_event_patient_linked.ts';
import { Migration20261202170000_schema_matches_entities } from './Migration20261202170000_schema_matches_entities.ts';

export const migrationsList: MigrationObject[] = [
	{ name: 'Migration20261122042256_initial', class: Migration20261122042256_initial },
	{ name: 'Migration20261122043627_staff_accounts', class: Migration20261122043627_staff_accounts },
	{ name: 'Migration20261122050423_patients', class: Migration20261122050423_patients },
	{ name: 'Migration20261122054408_admin_setup', class: Migration20261122054408_admin_setup },
	{
		name: 'Migration20261122074520_cases_and_appointments',
		class: Migration20261122074520_cases_and_appointments
	},
	{ name: 'Migration20261122080000_body_part_defaults', class: Migration20261122080000_body_part_defaults },
	{ name: 'Migration20261122080812_teams_and_routing', class: Migration20261122080812_teams_and_routing },
	{ name: 'Migration20261129173043_portal_and_requests', class: Migration20261129173043_portal_and_requests },
	{ name: 'Migration20261129173414_api_keys', class: Migration20261129173414_api_keys },
	{ name: 'Migration20261129200829_case_list_order', class: Migration20261129200829_case_list_order },
	{ name: 'Migration20261129210000_case_name_search', class: Migration20261129210000_case_name_search },
	{ name: 'Migration20261129220000_current_case_order', class: Migration20261129220000_current_case_order },
	{
		name: 'Migration20261201090000_notification_redaction',
		class: Migration20261201090000_notification_redaction
	},
	{ name: 'Migration20261202082000_clinic_clock', class: Migration20261202082000_clinic_clock },
	{ name: 'Migration20261202084000_case_triage_only', class: Migration20261202084000_case_triage_only },
	{
		name: 'Migration20261202085000_patient_merge_concessions_referral_type',
		class: Migration20261202085000_patient_merge_concessions_referral_type
	},
	{ name: 'Migration20261202091000_report_indexes', class: Migration20261202091000_report_indexes },
	{ name: 'Migration20261202090000_outbox_choice', class: Migration20261202090000_outbox_choice },
	{ name: 'Migration20261202122000_medical_alert_ids', class: Migration20261202122000_medical_alert_ids },
	{ name: 'Migration20261202121000_api_team_cases', class: Migration20261202121000_api_team_cases },
	{ name: 'Migration20261202121100_api_key_scopes', class: Migration20261202121100_api_key_scopes },
	{ name: 'Migration20261202121200_webhooks', class: Migration20261202121200_webhooks },
	{
		name: 'Migration20261202120100_patient_communications',
		class: Migration20261202120100_patient_communications
	},
	{ name: 'Migration20261202123000_clinical_notes', class: Migration20261202123000_clinical_notes },
	{
		name: 'Migration20261202160000_case_event_patient_linked',
		class: Migration20261202160000_case_event_patient_linked
	},
	{
		name: 'Migration20261202170000_schema_matches_entities',
		class: Migration20261202170000_schema_matches_entities
	}
];
