import type { Response } from 'express';

/**
 * Page locals looked up only when a page renders — not for JSON answers, redirects or files, which would pay
 * for a look-up they never show. Features register a step; when the route calls `res.render`, the steps run
 * together and the page renders once all have settled. A step is a courtesy: one that fails leaves its locals
 * out and the page still renders.
 */
type Step = () => Promise<void>;

const stepsOf = new WeakMap<Response, Step[]>();

export function beforeRender(res: Response, step: Step): void {
  const registered = stepsOf.get(res);
  if (registered) {
    registered.push(step);
    return;
  }
  const steps = [step];
  stepsOf.set(res, steps);
  const render = res.render.bind(res) as (...args: unknown[]) => void;
  res.render = ((...args: unknown[]) => {
    void Promise.allSettled(steps.map((run) => Promise.resolve().then(run))).then(() => render(...args));
  }) as Response['render'];
}
