import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { RESOLVERS } from '../app.module.js';

/** The SDL of the code-first schema, sorted, exactly as committed in apps/api/schema.graphql. */
export async function printCodeFirstSchema(): Promise<string> {
  const app = await NestFactory.create(GraphQLSchemaBuilderModule, { logger: false });
  try {
    await app.init();
    const factory = app.get(GraphQLSchemaFactory);
    const schema = await factory.create([...RESOLVERS], { dateScalarMode: 'isoDate', numberScalarMode: 'integer' });
    return `${printSchema(lexicographicSortSchema(schema))}\n`;
  } finally {
    await app.close();
  }
}
