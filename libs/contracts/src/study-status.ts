/** Where a study is in its life: ingest -> AI -> human read. */
export enum StudyStatus {
  RECEIVING = 'RECEIVING',
  QUEUED = 'QUEUED',
  ANALYZING = 'ANALYZING',
  ANALYZED = 'ANALYZED',
  FAILED = 'FAILED',
  NOT_APPLICABLE = 'NOT_APPLICABLE',
  REVIEWED = 'REVIEWED',
}
