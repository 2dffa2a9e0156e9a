import { PGlite } from '@electric-sql/pglite';
const db = new PGlite('/tmp/api/data/db');
await db.waitReady;
const r = await db.query(process.argv[2]);
console.log(JSON.stringify(r.rows, null, 1));
await db.close();
