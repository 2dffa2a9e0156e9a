import { withVisibleEdges } from '../../server/presenters/sample-keys';

describe('withVisibleEdges', () => {
  it('marks each blank at either end, keeps inner spaces and null', () => {
    expect(withVisibleEdges('B02')).toBe('B02');
    expect(withVisibleEdges('B02  ')).toBe('B02␣␣');
    expect(withVisibleEdges('\tB 02\u3000')).toBe('␣B 02␣');
    expect(withVisibleEdges(null)).toBeNull();
    expect(withVisibleEdges('')).toBe('');
  });
});
