//! Enumerating the matches of a `graph-match` pattern by depth-first search.
//!
//! The pattern's edges are visited in an order where each starts at a node slot that
//! is already bound (slot 0 is bound to every node in turn); a variable length edge
//! is followed for each number of edges in its range. `cycles=` decides whether an
//! edge (`unique_edges`, the default) or a node (`none`) may appear twice in a match.

use super::build::Graph;
use crate::error::{ExecError, Result};
use hunt_plan::graph::{Cycles, Direction, GraphMatch};

/// The most matches (before `where`) hunt enumerates for one query.
const MAX_MATCHES: usize = 1_000_000;
/// The most search steps hunt takes for one query.
const MAX_STEPS: usize = 100_000_000;

/// The matches found: node of each slot, and the path of each pattern edge.
#[derive(Default)]
pub(super) struct Matches {
    /// Number of matches.
    pub count: usize,
    /// `count × slots` node indices.
    pub nodes: Vec<u32>,
    /// For each pattern edge, for each match: its edges in pattern order.
    pub edges: Vec<Vec<Vec<u32>>>,
    /// For each pattern edge, for each match: the nodes along it in pattern order,
    /// both ends included.
    pub path_nodes: Vec<Vec<Vec<u32>>>,
}

impl Matches {
    /// The node bound to `slot` in match `m`.
    pub fn node(&self, m: usize, slots: usize, slot: usize) -> u32 {
        self.nodes.get(m * slots + slot).copied().unwrap_or(0)
    }
}

/// One pattern edge as searched: from which end, and which way.
#[derive(Clone, Copy)]
struct Step {
    edge: usize,
    /// Searched from its `to` slot towards its `from` slot.
    reversed: bool,
}

struct Search<'a> {
    g: &'a Graph,
    masks: &'a [Option<Vec<bool>>],
    m: &'a GraphMatch,
    cycles: Cycles,
    order: Vec<Step>,
    slots: Vec<Option<u32>>,
    edge_used: Vec<u32>,
    node_used: Vec<u32>,
    paths: Vec<(Vec<u32>, Vec<u32>)>,
    out: Matches,
    steps: usize,
}

/// All matches of `m`'s pattern in `g`. `cycles` overrides the pattern's option
/// (shortest paths are searched among paths without repeated nodes); `masks` lists,
/// for slots with conditions of their own, the nodes that meet them.
pub(super) fn find(
    g: &Graph,
    m: &GraphMatch,
    cycles: Cycles,
    masks: &[Option<Vec<bool>>],
) -> Result<Matches> {
    let start = masks.iter().position(Option::is_some).unwrap_or(0);
    let order = search_order(m, start)?;
    let mut s = Search {
        g,
        masks,
        m,
        cycles,
        order,
        slots: vec![None; m.slots],
        edge_used: vec![0; g.ends.len()],
        node_used: vec![0; g.ids.len()],
        paths: vec![(Vec::new(), Vec::new()); m.edges.len()],
        out: Matches {
            edges: vec![Vec::new(); m.edges.len()],
            path_nodes: vec![Vec::new(); m.edges.len()],
            ..Matches::default()
        },
        steps: 0,
    };
    if m.slots == 0 {
        return Ok(s.out);
    }
    for n in 0..g.ids.len() as u32 {
        if !s.allowed(start, n) {
            continue;
        }
        s.bind(start, n);
        s.step(0)?;
        s.unbind(start, n);
    }
    Ok(s.out)
}

/// An order of the pattern edges in which each starts at a slot bound before it,
/// `start` being bound first.
fn search_order(m: &GraphMatch, start: usize) -> Result<Vec<Step>> {
    let mut bound = vec![false; m.slots];
    if let Some(b) = bound.get_mut(start) {
        *b = true;
    }
    let mut done = vec![false; m.edges.len()];
    let mut order = Vec::new();
    while order.len() < m.edges.len() {
        let next = m.edges.iter().enumerate().find_map(|(i, e)| {
            if done[i] {
                None
            } else if bound[e.from] {
                Some((i, false))
            } else if bound[e.to] {
                Some((i, true))
            } else {
                None
            }
        });
        let Some((i, reversed)) = next else {
            return Err(ExecError::Internal("graph pattern is not connected".into()));
        };
        done[i] = true;
        bound[m.edges[i].from] = true;
        bound[m.edges[i].to] = true;
        order.push(Step { edge: i, reversed });
    }
    Ok(order)
}

impl Search<'_> {
    /// True when node `n` meets the conditions of `slot` alone.
    fn allowed(&self, slot: usize, n: u32) -> bool {
        match self.masks.get(slot) {
            Some(Some(mask)) => mask.get(n as usize).copied().unwrap_or(false),
            _ => true,
        }
    }

    fn bind(&mut self, slot: usize, n: u32) {
        self.slots[slot] = Some(n);
        self.node_used[n as usize] += 1;
    }

    fn unbind(&mut self, slot: usize, n: u32) {
        self.slots[slot] = None;
        self.node_used[n as usize] -= 1;
    }

    fn tick(&mut self) -> Result<()> {
        self.steps += 1;
        if self.steps > MAX_STEPS || self.out.count > MAX_MATCHES {
            return Err(ExecError::Unsupported(
                "a graph pattern with this many matches (hunt enumerates them)".into(),
            ));
        }
        Ok(())
    }

    /// Matches the pattern edges from `order[k]` on, the earlier ones being bound.
    fn step(&mut self, k: usize) -> Result<()> {
        self.tick()?;
        let Some(&st) = self.order.get(k) else {
            return self.emit();
        };
        let pe = &self.m.edges[st.edge];
        let (start_slot, end_slot) = if st.reversed {
            (pe.to, pe.from)
        } else {
            (pe.from, pe.to)
        };
        let Some(start) = self.slots[start_slot] else {
            return Err(ExecError::Internal(
                "graph search from an unbound slot".into(),
            ));
        };
        let mut path = (Vec::new(), vec![start]);
        self.walk(k, st, end_slot, start, &mut path)
    }

    /// Extends the path of `order[k]`, now at `at` with `path.0.len()` edges.
    fn walk(
        &mut self,
        k: usize,
        st: Step,
        end_slot: usize,
        at: u32,
        path: &mut (Vec<u32>, Vec<u32>),
    ) -> Result<()> {
        self.tick()?;
        let pe = &self.m.edges[st.edge];
        let (min, max) = (pe.min, pe.max);
        let len = path.0.len();
        if len >= min {
            self.finish(k, st, end_slot, at, path)?;
        }
        if len >= max {
            return Ok(());
        }
        // Past this node the path goes on: under `cycles=none` it becomes an inner
        // node, which must not be any other node of the match.
        if len > 0 {
            if self.cycles == Cycles::None && self.node_used[at as usize] > 0 {
                return Ok(());
            }
            self.node_used[at as usize] += 1;
        }
        let direction = match (pe.direction, st.reversed) {
            (Direction::Forward, false) | (Direction::Backward, true) => Direction::Forward,
            (Direction::Backward, false) | (Direction::Forward, true) => Direction::Backward,
            (Direction::Any, _) => Direction::Any,
        };
        let g = self.g;
        let forward = matches!(direction, Direction::Forward | Direction::Any);
        let backward = matches!(direction, Direction::Backward | Direction::Any);
        let outs = g.out_edges.get(at as usize).filter(|_| forward);
        let ins = g.in_edges.get(at as usize).filter(|_| backward);
        let candidates = outs
            .into_iter()
            .flatten()
            .map(|&e| (e, g.ends[e as usize].1))
            .chain(ins.into_iter().flatten().filter_map(|&e| {
                let (s, t) = g.ends[e as usize];
                // Over `--`, a self loop is one edge, already met among the out edges.
                (!(forward && s == t)).then_some((e, s))
            }));
        let candidates: Vec<(u32, u32)> = candidates.collect();
        for (e, next) in candidates {
            if self.cycles != Cycles::All && self.edge_used[e as usize] > 0 {
                continue;
            }
            self.edge_used[e as usize] += 1;
            path.0.push(e);
            path.1.push(next);
            let r = self.walk(k, st, end_slot, next, path);
            path.0.pop();
            path.1.pop();
            self.edge_used[e as usize] -= 1;
            r?;
        }
        if len > 0 {
            self.node_used[at as usize] -= 1;
        }
        Ok(())
    }

    /// Ends the path of `order[k]` at `at` and goes on with the next pattern edge.
    fn finish(
        &mut self,
        k: usize,
        st: Step,
        end_slot: usize,
        at: u32,
        path: &(Vec<u32>, Vec<u32>),
    ) -> Result<()> {
        let bind_end = match self.slots[end_slot] {
            Some(n) if n != at => return Ok(()),
            Some(_) => false,
            None => {
                if !self.allowed(end_slot, at)
                    || (self.cycles == Cycles::None && self.node_used[at as usize] > 0)
                {
                    return Ok(());
                }
                true
            }
        };
        let (mut edges, mut nodes) = path.clone();
        if st.reversed {
            edges.reverse();
            nodes.reverse();
        }
        self.paths[st.edge] = (edges, nodes);
        if bind_end {
            self.bind(end_slot, at);
        }
        let r = self.step(k + 1);
        if bind_end {
            self.unbind(end_slot, at);
        }
        r
    }

    /// Records the current bindings as a match.
    fn emit(&mut self) -> Result<()> {
        for s in &self.slots {
            let Some(n) = s else {
                return Err(ExecError::Internal(
                    "graph match with an unbound slot".into(),
                ));
            };
            self.out.nodes.push(*n);
        }
        for (i, (edges, nodes)) in self.paths.iter().enumerate() {
            self.out.edges[i].push(edges.clone());
            self.out.path_nodes[i].push(nodes.clone());
        }
        self.out.count += 1;
        Ok(())
    }
}
