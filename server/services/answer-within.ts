/**
 * `work`'s result, or `late` once `ms` have passed without one: a page or a run never waits on a hub that does not
 * answer (the work itself is left to end on its own; a statement timeout bounds it once it runs).
 */
export async function answerWithin<T>(work: Promise<T>, ms: number, late: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const after = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(late), ms);
  });
  try {
    return await Promise.race([work, after]);
  } finally {
    clearTimeout(timer);
  }
}
