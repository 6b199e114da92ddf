import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import type { Type } from '@nestjs/common';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** Bounded Relay paging arguments; `first` above the cap is BAD_USER_INPUT, never silently clipped. */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Page size, 1..${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})` })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first?: number;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  after?: string | null;
}

@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/** Makes `XConnection` and `XEdge` object types for a node type. */
export function connectionOf<T>(node: Type<T>, name: string): Type<Connection<T>> {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field(() => String)
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return ConnectionType;
}

export function encodeCursor(value: string | number): string {
  return Buffer.from(String(value), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined): string | undefined {
  if (cursor === undefined || cursor === null) return undefined;
  return Buffer.from(cursor, 'base64url').toString('utf8');
}

/** Builds a page from `limit + 1` fetched rows. */
export function toConnection<R, T>(rows: R[], limit: number, cursorOf: (row: R) => string | number, map: (row: R) => T): Connection<T> {
  const page = rows.slice(0, limit);
  const edges = page.map((row) => ({ cursor: encodeCursor(cursorOf(row)), node: map(row) }));
  return { edges, pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null } };
}

export function pageSize(args: PageArgs): number {
  return args.first ?? DEFAULT_PAGE_SIZE;
}
