import { databaseWords } from '../../rules/engine';

// A failed hub statement's error as the runs page, the command line and the IT office's notice show it. The
// PostgreSQL case (knex's statement before the words, taken off when knex reports the error) is in
// test/integration/checks-safety.test.ts, against a real server.
describe('databaseWords', () => {
  it("takes MySQL's own words from the driver, whatever knex put before them", () => {
    const err = Object.assign(new Error("select count(*) from `t` where a - 1 > 0 - Unknown column 'a' in 'where clause'"), {
      sqlMessage: "Unknown column 'a' in 'where clause'",
    });
    expect(databaseWords(err)).toBe("Unknown column 'a' in 'where clause'");
  });

  it('leaves an error no statement made (a connection refused) as it is', () => {
    expect(databaseWords(new Error('connect ECONNREFUSED 127.0.0.1:1'))).toBe('connect ECONNREFUSED 127.0.0.1:1');
    expect(databaseWords('plain text')).toBe('plain text');
  });
});
