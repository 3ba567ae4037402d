import type { RunnerTask } from 'vitest';

/**
 * Tests under a file or suite and how many passed, for a suite's one-line figure (issue 7).
 * Takes what `afterAll` hands its listener (typed loosely by Vitest).
 */
export function countTests(suite: object): { passed: number; total: number } {
  const task = suite as Readonly<RunnerTask>;
  if (task.type === 'test') return { passed: task.result?.state === 'pass' ? 1 : 0, total: 1 };
  const children = 'tasks' in task ? task.tasks : [];
  return children.reduce(
    (sum, child) => {
      const { passed, total } = countTests(child);
      return { passed: sum.passed + passed, total: sum.total + total };
    },
    { passed: 0, total: 0 },
  );
}
