// Feature hooks that need both sides: registered once per process, before any request or job, by
// app/orm.ts (every process starts its ORM there). A feature never imports its listeners.
import { listenToCaseStatus } from '../cases/cases.service.ts';
import { onRoutedCaseClosed, onRoutedCaseReopened } from '../routing/routing.service.ts';

listenToCaseStatus('routing', { closed: onRoutedCaseClosed, reopened: onRoutedCaseReopened });
