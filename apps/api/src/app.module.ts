import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import type { ApiConfig } from '@cruciate/config';
import type { GraphQLSchema } from 'graphql';
import type { DataSource } from 'typeorm';
import { AuthGuard } from './auth/auth.guard.js';
import { PrincipalService } from './auth/principal.service.js';
import type { Logger } from './common/logger.js';
import { API_CONFIG } from './config.token.js';
import { Db } from './database/db.js';
import { DomainErrorFilter } from './graphql/domain-error.filter.js';
import { createFormatError } from './graphql/format-error.js';
import type { GraphQLRequestContext } from './graphql/graphql-context.js';
import { operationLimitsPlugin } from './graphql/limits.js';
import { Loaders } from './graphql/loaders.js';
import { AuditRepository } from './modules/audit/audit.repository.js';
import { AuditResolver } from './modules/audit/audit.resolver.js';
import { AuditService } from './modules/audit/audit.service.js';
import { ClientConfigController } from './modules/health/client-config.controller.js';
import { HealthController } from './modules/health/health.controller.js';
import { HospitalRepository } from './modules/hospital/hospital.repository.js';
import { HospitalResolver } from './modules/hospital/hospital.resolver.js';
import { HospitalService } from './modules/hospital/hospital.service.js';
import { ServiceAccountRepository } from './modules/service-account/service-account.repository.js';
import { ServiceAccountResolver } from './modules/service-account/service-account.resolver.js';
import { ServiceAccountService } from './modules/service-account/service-account.service.js';
import { HospitalUserResolver, MeResolver } from './modules/user/user.resolver.js';
import { UserRepository } from './modules/user/user.repository.js';
import { UserService } from './modules/user/user.service.js';
import { LOGGER, OidcProviderService } from './oidc/oidc-provider.service.js';
import type { BlobStore } from '@cruciate/blob';
import { DicomwebController } from './modules/dicomweb/dicomweb.controller.js';
import { DicomwebRepository } from './modules/dicomweb/dicomweb.repository.js';
import { DicomwebService } from './modules/dicomweb/dicomweb.service.js';
import { IngestRepository } from './modules/ingest/ingest.repository.js';
import { BLOB_STORE, IngestService, JOB_QUEUE, PATIENT_KEYER, STORED_UID_FILTERS } from './modules/ingest/ingest.service.js';
import type { StoredUidFilters } from './modules/ingest/stored-uid-filter.js';
import type { JobQueue } from './modules/ingest/job-queue.js';
import type { PatientKeyer } from './modules/ingest/patient-key.js';
import { DiagnosisRepository } from './modules/diagnosis/diagnosis.repository.js';
import { DiagnosisResolver, StudyDiagnosisResolver } from './modules/diagnosis/diagnosis.resolver.js';
import { DiagnosisService } from './modules/diagnosis/diagnosis.service.js';
import { FindingController } from './modules/finding/finding.controller.js';
import { FindingRepository } from './modules/finding/finding.repository.js';
import { FindingResolver, SeriesFindingResolver, StudyFindingResolver } from './modules/finding/finding.resolver.js';
import { FindingService } from './modules/finding/finding.service.js';
import { ModelVersionController } from './modules/model-version/model-version.controller.js';
import { ModelVersionRepository } from './modules/model-version/model-version.repository.js';
import { HospitalModelVersionResolver, ModelVersionResolver } from './modules/model-version/model-version.resolver.js';
import { ModelVersionService } from './modules/model-version/model-version.service.js';
import { StudyRepository } from './modules/study/study.repository.js';
import { StudyResolver } from './modules/study/study.resolver.js';
import { StudyService } from './modules/study/study.service.js';
import { GraphqlWsServer } from './modules/events/graphql-ws.server.js';
import { StudyEventBus } from './modules/events/study-event-bus.js';
import { StudyEventResolver } from './modules/events/study-event.resolver.js';
import { StudyEventsService } from './modules/events/study-events.service.js';
import { ApiMetrics } from './modules/metrics/api-metrics.js';
import { graphqlMetricsPlugin } from './modules/metrics/graphql-metrics.plugin.js';
import { MetricsController } from './modules/metrics/metrics.controller.js';
import { MetricsRepository } from './modules/metrics/metrics.repository.js';

/** Collaborators made (and closed) by the platform, outside Nest. */
export interface AppResources {
  readonly blobStore: BlobStore;
  readonly jobQueue: JobQueue;
  readonly patientKeyer: PatientKeyer;
  /** Study changes heard on the study-events channel, fanned out to this instance's subscriptions. */
  readonly studyEvents: StudyEventBus;
  readonly metrics: ApiMetrics;
  /** C-STORE's stored-UID filters (null: DIMSE_UID_FILTER off, or no DIMSE listener). */
  readonly uidFilters?: StoredUidFilters | null;
}

/** Every GraphQL resolver: the code-first schema is built from these. */
export const RESOLVERS = [
  AuditResolver,
  DiagnosisResolver,
  FindingResolver,
  HospitalResolver,
  HospitalModelVersionResolver,
  MeResolver,
  HospitalUserResolver,
  ModelVersionResolver,
  ServiceAccountResolver,
  SeriesFindingResolver,
  StudyDiagnosisResolver,
  StudyFindingResolver,
  StudyResolver,
  StudyEventResolver,
] as const;

@Module({})
export class AppModule {
  /** The whole API, given its validated config, a logger and an initialised DataSource of the app role. */
  static create(config: ApiConfig, logger: Logger, dataSource: DataSource, resources: AppResources): DynamicModule {
    const db = new Db(dataSource);
    let schema: GraphQLSchema | null = null;
    return {
      module: AppModule,
      imports: [
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          path: '/graphql',
          autoSchemaFile: true,
          sortSchema: true,
          graphiql: false,
          introspection: config.NODE_ENV !== 'production',
          includeStacktraceInErrorResponses: false,
          fieldResolverEnhancers: ['guards'],
          buildSchemaOptions: { dateScalarMode: 'isoDate', numberScalarMode: 'integer' },
          context: ({ req }: { req: GraphQLRequestContext['req'] }): GraphQLRequestContext => ({ req, loaders: new Loaders(db, new HospitalRepository(db)) }),
          plugins: [
            {
              serverWillStart(service) {
                schema = service.schema;
                return Promise.resolve();
              },
            },
            graphqlMetricsPlugin(resources.metrics),
            operationLimitsPlugin(
              () => {
                if (!schema) throw new Error('schema not ready');
                return schema;
              },
              { maxDepth: config.GRAPHQL_MAX_DEPTH, maxComplexity: config.GRAPHQL_MAX_COMPLEXITY },
            ),
          ],
          formatError: createFormatError(logger),
        }),
      ],
      controllers: [
        ...(config.METRICS_ENABLED ? [MetricsController] : []),
        HealthController,
        ClientConfigController,
        DicomwebController,
        ModelVersionController,
        FindingController,
      ],
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: Db, useValue: db },
        { provide: BLOB_STORE, useValue: resources.blobStore },
        { provide: JOB_QUEUE, useValue: resources.jobQueue },
        { provide: PATIENT_KEYER, useValue: resources.patientKeyer },
        { provide: STORED_UID_FILTERS, useValue: resources.uidFilters ?? null },
        { provide: StudyEventBus, useValue: resources.studyEvents },
        MetricsRepository,
        {
          provide: ApiMetrics,
          useFactory: (repo: MetricsRepository, ingest: IngestService): ApiMetrics => {
            resources.metrics.attach({
              inferenceQueue: () => repo.inferenceQueueCounts(),
              subscriptions: () => resources.studyEvents.size,
              unindexedInstances: () => ingest.unindexed,
              uidFilters: () => resources.uidFilters?.stats() ?? null,
              spoolRecovered: () => ingest.recoveredTotals,
            });
            return resources.metrics;
          },
          inject: [MetricsRepository, IngestService],
        },
        StudyEventsService,
        GraphqlWsServer,
        IngestRepository,
        IngestService,
        DicomwebRepository,
        DicomwebService,
        StudyRepository,
        StudyService,
        ModelVersionRepository,
        ModelVersionService,
        FindingRepository,
        FindingService,
        DiagnosisRepository,
        DiagnosisService,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: DomainErrorFilter },
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: false }),
        },
        ...RESOLVERS,
        PrincipalService,
        OidcProviderService,
        AuditRepository,
        AuditService,
        HospitalRepository,
        HospitalService,
        UserRepository,
        UserService,
        ServiceAccountRepository,
        ServiceAccountService,
      ],
      exports: [OidcProviderService, Db, IngestService, ModelVersionService],
    };
  }
}
