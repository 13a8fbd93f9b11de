//! A small regular-expression engine for `=~`: literals, `.`, classes
//! (`[a-z]`, `[^0-9]`, `\d`, `\w`, `\s`), groups, `|`, `*`, `+`, `?`,
//! `{m,n}`, and the anchors `^`/`$`. `=~` matches the whole string.
//!
//! Patterns compile to a Thompson NFA run by a Pike VM, so matching takes
//! time linear in the text whatever the pattern (no catastrophic
//! backtracking on user input), and nothing recurses deeper than the
//! group-nesting limit.

/// How deeply groups may nest.
const MAX_DEPTH: usize = 64;
/// How many instructions a pattern may compile to.
const MAX_PROGRAM: usize = 100_000;

#[derive(Debug, Clone)]
enum Node {
    Char(char),
    Any,
    Class(Vec<(char, char)>, bool),
    Start,
    End,
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat(Box<Node>, u32, Option<u32>),
}

#[derive(Debug, Clone)]
enum Inst {
    Char(char),
    Any,
    Class(Vec<(char, char)>, bool),
    Start,
    End,
    Split(usize, usize),
    Jmp(usize),
    Match,
}

/// A compiled pattern.
#[derive(Debug, Clone)]
pub struct Regex {
    program: Vec<Inst>,
}

struct Parser<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    depth: usize,
}

impl Parser<'_> {
    fn alt(&mut self) -> Result<Node, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("the regular expression nests too deeply".into());
        }
        let mut branches = vec![self.concat()?];
        while self.chars.peek() == Some(&'|') {
            self.chars.next();
            branches.push(self.concat()?);
        }
        self.depth -= 1;
        Ok(if branches.len() == 1 {
            branches.pop().unwrap_or(Node::Concat(Vec::new()))
        } else {
            Node::Alt(branches)
        })
    }

    fn concat(&mut self) -> Result<Node, String> {
        let mut items = Vec::new();
        while let Some(&c) = self.chars.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            items.push(self.repeat(atom)?);
        }
        Ok(Node::Concat(items))
    }

    fn number(&mut self) -> Option<u32> {
        let mut n: Option<u32> = None;
        while let Some(d) = self.chars.peek().and_then(|c| c.to_digit(10)) {
            self.chars.next();
            n = Some(n.unwrap_or(0).saturating_mul(10).saturating_add(d));
        }
        n
    }

    fn repeat(&mut self, atom: Node) -> Result<Node, String> {
        let mut node = atom;
        loop {
            let (min, max) = match self.chars.peek() {
                Some('*') => (0, None),
                Some('+') => (1, None),
                Some('?') => (0, Some(1)),
                Some('{') => {
                    self.chars.next();
                    let min = self.number().unwrap_or(0);
                    let max = if self.chars.peek() == Some(&',') {
                        self.chars.next();
                        self.number()
                    } else {
                        Some(min)
                    };
                    if self.chars.next() != Some('}') {
                        return Err("expected `}` in the regular expression".into());
                    }
                    node = Node::Repeat(Box::new(node), min, max);
                    continue;
                }
                _ => return Ok(node),
            };
            self.chars.next();
            // A lazy or possessive suffix does not change whether it matches.
            if matches!(self.chars.peek(), Some('?') | Some('+')) {
                self.chars.next();
            }
            node = Node::Repeat(Box::new(node), min, max);
        }
    }

    fn escape(&mut self) -> Result<Node, String> {
        let c = self
            .chars
            .next()
            .ok_or("the regular expression ends in a backslash")?;
        Ok(match c {
            'd' => Node::Class(vec![('0', '9')], false),
            'D' => Node::Class(vec![('0', '9')], true),
            'w' => Node::Class(word(), false),
            'W' => Node::Class(word(), true),
            's' => Node::Class(space(), false),
            'S' => Node::Class(space(), true),
            'n' => Node::Char('\n'),
            't' => Node::Char('\t'),
            'r' => Node::Char('\r'),
            other => Node::Char(other),
        })
    }

    fn atom(&mut self) -> Result<Node, String> {
        let c = self
            .chars
            .next()
            .ok_or("unexpected end of the regular expression")?;
        Ok(match c {
            '.' => Node::Any,
            '^' => Node::Start,
            '$' => Node::End,
            '\\' => self.escape()?,
            '(' => {
                // Non-capturing and flag groups read as plain groups.
                if self.chars.peek() == Some(&'?') {
                    self.chars.next();
                    self.chars.next();
                }
                let inner = self.alt()?;
                if self.chars.next() != Some(')') {
                    return Err("expected `)` in the regular expression".into());
                }
                inner
            }
            '[' => self.class()?,
            '*' | '+' | '?' => return Err(format!("nothing to repeat before `{c}`")),
            other => Node::Char(other),
        })
    }

    fn class(&mut self) -> Result<Node, String> {
        let negated = self.chars.peek() == Some(&'^');
        if negated {
            self.chars.next();
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let c = self
                .chars
                .next()
                .ok_or("expected `]` in the regular expression")?;
            if c == ']' && !first {
                break;
            }
            first = false;
            let lo = if c == '\\' {
                match self.escape()? {
                    Node::Char(ch) => ch,
                    Node::Class(r, false) => {
                        ranges.extend(r);
                        continue;
                    }
                    _ => return Err("negated classes cannot nest in `[...]`".into()),
                }
            } else {
                c
            };
            if self.chars.peek() == Some(&'-') {
                self.chars.next();
                match self.chars.next() {
                    Some(']') => {
                        ranges.push((lo, lo));
                        ranges.push(('-', '-'));
                        break;
                    }
                    Some(hi) => ranges.push((lo, hi)),
                    None => return Err("expected `]` in the regular expression".into()),
                }
            } else {
                ranges.push((lo, lo));
            }
        }
        Ok(Node::Class(ranges, negated))
    }
}

fn word() -> Vec<(char, char)> {
    vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')]
}

fn space() -> Vec<(char, char)> {
    vec![(' ', ' '), ('\t', '\r')]
}

fn compile(node: &Node, program: &mut Vec<Inst>) -> Result<(), String> {
    if program.len() > MAX_PROGRAM {
        return Err("the regular expression is too large".into());
    }
    match node {
        Node::Char(c) => program.push(Inst::Char(*c)),
        Node::Any => program.push(Inst::Any),
        Node::Class(r, n) => program.push(Inst::Class(r.clone(), *n)),
        Node::Start => program.push(Inst::Start),
        Node::End => program.push(Inst::End),
        Node::Concat(items) => {
            for i in items {
                compile(i, program)?;
            }
        }
        Node::Alt(branches) => {
            let mut jumps = Vec::new();
            for (i, b) in branches.iter().enumerate() {
                if i + 1 < branches.len() {
                    let split = program.len();
                    program.push(Inst::Split(split + 1, 0));
                    compile(b, program)?;
                    jumps.push(program.len());
                    program.push(Inst::Jmp(0));
                    let next = program.len();
                    program[split] = Inst::Split(split + 1, next);
                } else {
                    compile(b, program)?;
                }
            }
            let end = program.len();
            for j in jumps {
                program[j] = Inst::Jmp(end);
            }
        }
        Node::Repeat(inner, min, max) => {
            for _ in 0..*min {
                compile(inner, program)?;
            }
            match max {
                None => {
                    let split = program.len();
                    program.push(Inst::Split(split + 1, 0));
                    compile(inner, program)?;
                    program.push(Inst::Jmp(split));
                    let end = program.len();
                    program[split] = Inst::Split(split + 1, end);
                }
                Some(max) => {
                    let mut splits = Vec::new();
                    for _ in *min..*max {
                        splits.push(program.len());
                        program.push(Inst::Split(0, 0));
                        compile(inner, program)?;
                        if program.len() > MAX_PROGRAM {
                            return Err("the regular expression is too large".into());
                        }
                    }
                    let end = program.len();
                    for s in splits {
                        program[s] = Inst::Split(s + 1, end);
                    }
                }
            }
        }
    }
    Ok(())
}

impl Regex {
    /// Compiles `pattern`; the error says what is wrong with it.
    pub fn new(pattern: &str) -> Result<Regex, String> {
        let mut parser = Parser {
            chars: pattern.chars().peekable(),
            depth: 0,
        };
        let node = parser.alt()?;
        if parser.chars.next().is_some() {
            return Err("unbalanced `)` in the regular expression".into());
        }
        let mut program = Vec::new();
        compile(&node, &mut program)?;
        program.push(Inst::Match);
        Ok(Regex { program })
    }

    /// Whether the whole of `text` matches.
    pub fn is_match(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        let mut current = Vec::new();
        let mut seen = vec![usize::MAX; self.program.len()];
        self.add(&mut current, &mut seen, 0, 0, chars.len());
        for (i, &c) in chars.iter().enumerate() {
            let mut next = Vec::new();
            for &pc in &current {
                let ok = match &self.program[pc] {
                    Inst::Char(x) => *x == c,
                    Inst::Any => c != '\n',
                    Inst::Class(ranges, negated) => {
                        ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)) != *negated
                    }
                    _ => false,
                };
                if ok {
                    self.add(&mut next, &mut seen, pc + 1, i + 1, chars.len());
                }
            }
            current = next;
            if current.is_empty() {
                return false;
            }
        }
        current
            .iter()
            .any(|&pc| matches!(self.program[pc], Inst::Match))
    }

    /// Adds the thread at `pc` and every thread reachable from it without
    /// reading a character, at text position `pos`.
    fn add(&self, list: &mut Vec<usize>, seen: &mut [usize], pc: usize, pos: usize, len: usize) {
        let mut stack = vec![pc];
        while let Some(pc) = stack.pop() {
            if pc >= self.program.len() || seen[pc] == pos {
                continue;
            }
            seen[pc] = pos;
            match &self.program[pc] {
                Inst::Jmp(t) => stack.push(*t),
                Inst::Split(a, b) => {
                    stack.push(*b);
                    stack.push(*a);
                }
                Inst::Start => {
                    if pos == 0 {
                        stack.push(pc + 1);
                    }
                }
                Inst::End => {
                    if pos == len {
                        stack.push(pc + 1);
                    }
                }
                _ => list.push(pc),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Regex;

    #[track_caller]
    fn check(pattern: &str, text: &str, expected: bool) {
        assert_eq!(Regex::new(pattern).map(|r| r.is_match(text)), Ok(expected));
    }

    #[test]
    fn whole_string_matches() {
        check("Hu.*", "Hu Jintao", true);
        check("Jin", "Hu Jintao", false);
        check("(Hu|Wen) [A-Z][a-z]+", "Wen Jiabao", true);
        check("a{2,3}", "aaaa", false);
        check("a{2,}b?", "aaaa", true);
        check("\\d+-\\d\\d", "2011-12", true);
        check("[^x]*", "abc", true);
        check(
            "(a*)*b",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac",
            false,
        );
        assert!(Regex::new("(").is_err());
        assert!(Regex::new("*a").is_err());
    }
}
