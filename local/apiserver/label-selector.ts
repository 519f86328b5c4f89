/**
 * Label selectors in the string form of the API (`a=b,c!=d,e in (f,g),h notin (i),j,!k,l>3,m<4`).
 * A parse error is a 400, as on a real server.
 */
import { badRequest } from './status-errors.js';

type Operator = 'exists' | 'notexists' | 'eq' | 'neq' | 'in' | 'notin' | 'gt' | 'lt';
interface Requirement { key: string; op: Operator; values: string[] }
export type LabelPredicate = (labels: Record<string, string> | undefined) => boolean;

const TOKEN = /\s*(==|!=|=|!|\(|\)|,|>|<|[A-Za-z0-9._\-/]+)/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) {
      if (text.slice(start).trim() === '') break;
      throw parseError(text, `unexpected character at ${start}`);
    }
    tokens.push(match[1] as string);
  }
  return tokens;
}

function parseError(text: string, why: string): Error {
  return badRequest(`unable to parse requirement: ${why} in selector "${text}"`);
}

const isWord = (t: string | undefined): t is string => t !== undefined && /^[A-Za-z0-9._\-/]+$/.test(t);

class Parser {
  private i = 0;
  constructor(private readonly tokens: string[], private readonly text: string) {}

  parse(): Requirement[] {
    const out: Requirement[] = [];
    while (this.i < this.tokens.length) {
      out.push(this.requirement());
      if (this.i < this.tokens.length) this.expect(',');
    }
    return out;
  }

  private requirement(): Requirement {
    if (this.peek() === '!') {
      this.i++;
      return { key: this.word(), op: 'notexists', values: [] };
    }
    const key = this.word();
    const next = this.peek();
    if (next === undefined || next === ',') return { key, op: 'exists', values: [] };
    this.i++;
    if (next === '=' || next === '==') return { key, op: 'eq', values: [this.value()] };
    if (next === '!=') return { key, op: 'neq', values: [this.value()] };
    if (next === 'in' || next === 'notin') return { key, op: next, values: this.valueSet() };
    if (next === '>' || next === '<') return { key, op: next === '>' ? 'gt' : 'lt', values: [this.integer()] };
    throw parseError(this.text, `found '${next}', expected: in, notin, =, ==, !=, gt, lt`);
  }

  private valueSet(): string[] {
    this.expect('(');
    const values: string[] = [];
    while (this.peek() !== ')') {
      if (values.length > 0) this.expect(',');
      values.push(this.value());
    }
    this.expect(')');
    return values;
  }

  private value(): string {
    const t = this.peek();
    if (t === undefined || t === ',' || t === ')') return '';
    return this.word();
  }

  private integer(): string {
    const v = this.word();
    if (!/^-?\d+$/.test(v)) throw parseError(this.text, `for 'gt', 'lt' operators, the value must be an integer`);
    return v;
  }

  private word(): string {
    const t = this.tokens[this.i];
    if (!isWord(t)) throw parseError(this.text, `found '${t ?? ''}', expected: identifier`);
    this.i++;
    return t;
  }

  private expect(token: string): void {
    if (this.tokens[this.i] !== token) throw parseError(this.text, `found '${this.tokens[this.i] ?? ''}', expected: '${token}'`);
    this.i++;
  }

  private peek(): string | undefined {
    return this.tokens[this.i];
  }
}

const isInteger = (v: string | undefined): v is string => v !== undefined && /^-?\d+$/.test(v);

/** Each operator given the label's value (undefined when absent) and the requirement's values. */
const OPERATORS: Record<Operator, (value: string | undefined, values: string[]) => boolean> = {
  exists: (v) => v !== undefined,
  notexists: (v) => v === undefined,
  eq: (v, values) => v !== undefined && v === values[0],
  neq: (v, values) => v === undefined || v !== values[0],
  in: (v, values) => v !== undefined && values.includes(v),
  notin: (v, values) => v === undefined || !values.includes(v),
  gt: (v, values) => isInteger(v) && Number(v) > Number(values[0]),
  lt: (v, values) => isInteger(v) && Number(v) < Number(values[0]),
};

function matches(r: Requirement, labels: Record<string, string>): boolean {
  const value = Object.prototype.hasOwnProperty.call(labels, r.key) ? labels[r.key] : undefined;
  return OPERATORS[r.op](value, r.values);
}

export function parseLabelSelector(text: string | undefined): LabelPredicate | undefined {
  if (!text || text.trim() === '') return undefined;
  const requirements = new Parser(tokenize(text), text).parse();
  return (labels) => requirements.every((r) => matches(r, labels ?? {}));
}
