import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { operationDepth } from './limits.js';

function depth(source: string): number {
  const doc = parse(source);
  const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  return operationDepth(doc, op);
}

describe('operationDepth', () => {
  it('counts nested fields', () => {
    expect(depth('{ a }')).toBe(1);
    expect(depth('{ a { b { c } } d }')).toBe(3);
  });
  it('follows fragments and inline fragments', () => {
    expect(depth('{ a { ...F } } fragment F on X { b { c { d } } }')).toBe(4);
    expect(depth('{ a { ... on X { b { c } } } }')).toBe(3);
  });
  it('cuts fragment cycles instead of looping', () => {
    expect(depth('{ a { ...F } } fragment F on X { b { ...F } }')).toBe(2);
  });
  it('ignores introspection fields', () => {
    expect(depth('{ __typename a { __typename } }')).toBe(1);
  });
});
