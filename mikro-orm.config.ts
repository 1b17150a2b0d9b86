// Config for the MikroORM CLI (`npx mikro-orm ...`). The app itself builds the same config in
// src/lib/server/db/orm.ts; `npm run db:migrate` and `npm run db:migration:create` wrap both and
// start the embedded PostgreSQL when DATABASE_URL is not set.
import { ormConfig } from './src/lib/server/app/orm.ts';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('Set DATABASE_URL for the MikroORM CLI, or use npm run db:migrate');

export default ormConfig(url);
