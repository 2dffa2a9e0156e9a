import { keyWords, reportMessage } from '../../server/services/reports/describe';
import { exampleCatalog } from '../factories/tickets';

describe('a record key in words', () => {
  const catalog = exampleCatalog();
  const courseGrade = catalog.tables.find((t) => t.name === 'course_grade')!;
  // As jsonb gives it back: names sorted by length, then bytes (term, student_no, course_code).
  const stored = JSON.parse('{"term": "2022-2023-1", "student_no": "202400000002", "course_code": "C1014"}');

  it("names the key's columns in the catalog's key order, not in the order they were stored", () => {
    expect(courseGrade.key).toEqual(['student_no', 'course_code', 'term']);
    const [student, course, term] = courseGrade.key.map((k) => courseGrade.fields.find((f) => f.name === k)?.title ?? k);
    expect(keyWords(courseGrade, stored)).toBe(`${student} 202400000002，${course} C1014，${term} 2022-2023-1`);
    expect(reportMessage(catalog, 'course_grade', 'score', stored, 'en')).toContain(
      `(${student} 202400000002, ${course} C1014, ${term} 2022-2023-1)`,
    );
  });

  it('puts columns the key list lacks after the others, by name, however they were stored', () => {
    expect(keyWords(courseGrade, { extra: 'x', term: 't', student_no: 's', campus: 'c' }, ' / ')).toMatch(
      / s \/ .* t \/ campus c \/ extra x$/,
    );
  });
});
