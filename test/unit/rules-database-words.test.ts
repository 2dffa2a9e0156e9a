import { databaseWords } from '../../rules/engine';

// A failed hub statement's error, as the runs page, the command line and the IT office's notice show it: the
// database's words, not the generated statement knex writes before them.
describe('databaseWords', () => {
  it("keeps what follows the statement knex puts first, even when the statement holds ' - ' itself", () => {
    const statement = `select count(*) filter (where "a" is null) as "m0", max("updated_at") > now() - interval '1 day' as "m1" from "public"."staff"`;
    expect(databaseWords(`${statement} - canceling statement due to statement timeout`)).toBe(
      'canceling statement due to statement timeout',
    );
    expect(databaseWords(`WITH t AS (SELECT 1) SELECT * FROM t - relation "t2" does not exist`)).toBe(
      'relation "t2" does not exist',
    );
  });

  it('leaves a message that does not start with a statement as it is', () => {
    for (const message of ['connect ECONNREFUSED 127.0.0.1:1', "Unknown database 'hub - old'", 'selection - not a statement'])
      expect(databaseWords(message)).toBe(message);
  });
});
