//! The one walk over expressions and the one dependency sort, used by the
//! checker (steps and flags of a file being checked) and by the model (steps
//! of a checked or loaded model).

use super::{children, Expr, ExprId, Model};

/// Calls `visit` once on every expression reachable from `root`, root first.
/// A flag reference is followed into the flag's condition, because a step
/// that reads a flag depends on whatever the flag reads.
pub fn walk(model: &Model, root: ExprId, visit: &mut dyn FnMut(ExprId, &Expr)) {
    let mut seen = vec![false; model.exprs.len()];
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        let Some(expr) = model.exprs.get(id as usize) else {
            continue;
        };
        if std::mem::replace(&mut seen[id as usize], true) {
            continue;
        }
        visit(id, expr);
        if let Expr::Flag { flag } = expr {
            if let Some(f) = model.flags.get(*flag as usize) {
                stack.push(f.when);
            }
        }
        stack.extend(children(expr));
    }
}

/// Nodes in dependency order, and the circles found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sorted {
    /// Every node not on a circle, each after every node it depends on.
    pub order: Vec<usize>,
    /// Each circle found, in the order it is walked (each node depends on the
    /// next, the last on the first); a node is on one circle at most.
    pub cycles: Vec<Vec<usize>>,
}

/// Sorts nodes `0..count` so that each comes after the nodes `deps` gives for
/// it (taken from the end), reporting each circle instead of looping.
pub fn topological_order(count: usize, mut deps: impl FnMut(usize) -> Vec<usize>) -> Sorted {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    const ON_CYCLE: u8 = 3;
    let mut state = vec![NEW; count];
    // Where each node on the current path is on it, so a circle is cut out of
    // the path without searching it.
    let mut at = vec![0usize; count];
    let mut sorted = Sorted {
        order: Vec::with_capacity(count),
        cycles: Vec::new(),
    };
    for start in 0..count {
        if state[start] != NEW {
            continue;
        }
        state[start] = ON_PATH;
        at[start] = 0;
        let mut path: Vec<(usize, Vec<usize>)> = vec![(start, deps(start))];
        while let Some((node, pending)) = path.last_mut() {
            let node = *node;
            match pending.pop() {
                Some(dep) => match state.get(dep).copied() {
                    Some(NEW) => {
                        state[dep] = ON_PATH;
                        at[dep] = path.len();
                        let d = deps(dep);
                        path.push((dep, d));
                    }
                    Some(ON_PATH) => {
                        let from = at[dep].min(path.len());
                        let cycle: Vec<usize> = path[from..].iter().map(|(n, _)| *n).collect();
                        for n in &cycle {
                            state[*n] = ON_CYCLE;
                        }
                        sorted.cycles.push(cycle);
                    }
                    _ => {}
                },
                None => {
                    if state[node] == ON_PATH {
                        state[node] = DONE;
                        sorted.order.push(node);
                    }
                    path.pop();
                }
            }
        }
    }
    sorted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_and_reports_circles() {
        // 0 reads 1, 1 reads 2; 3 reads 4, 4 reads 3; 5 reads itself.
        let deps = |n: usize| match n {
            0 => vec![1],
            1 => vec![2],
            3 => vec![4],
            4 => vec![3],
            5 => vec![5],
            _ => vec![],
        };
        let sorted = topological_order(6, deps);
        assert_eq!(sorted.order, vec![2, 1, 0]);
        assert_eq!(sorted.cycles, vec![vec![3, 4], vec![5]]);
    }

    #[test]
    fn a_long_chain_is_sorted_without_recursion() {
        let n = 100_000;
        let sorted = topological_order(n, |i| if i + 1 < n { vec![i + 1] } else { vec![] });
        assert_eq!(sorted.order.first(), Some(&(n - 1)));
        assert!(sorted.cycles.is_empty());
    }
}
