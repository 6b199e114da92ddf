#!/usr/bin/env node
// Orthanc as a real client of our platform (issue 3, "Tests (real tools, real peer)"):
//   (a) Orthanc pushes a study to our C-STORE listener (its "DicomModalities" config, POST /modalities/{id}/store);
//   (b) Orthanc pushes another study to our STOW-RS endpoint (its "DicomWeb.Servers" config, POST
//       /dicom-web/servers/{id}/stow).
// Then our QIDO-RS must list both studies with every instance. Prints ONE JSON line on stdout; progress on stderr.
// Exit 0 when both studies arrived whole, 1 otherwise. Runs in a private network namespace with only loopback.
// Used by apps/api/test/orthanc.e2e-spec.ts; runnable by hand: node bench/ingest/interop.mjs

import path from 'node:path';
import {
  Processes,
  cruciateStudyCounts,
  getJson,
  integratorToken,
  loadSynthetic,
  log,
  makeStudies,
  makeWorkDir,
  postJson,
  runIsolated,
  sleep,
  startCruciate,
  startOrthanc,
} from './harness.mjs';

const DEADLINE_MS = 4 * 60_000;
/** Each study: a sagittal series of 12 slices and an axial series of 8, sharing the StudyInstanceUID. */
const PLANES = [
  ['sagittal', 12],
  ['axial', 8],
];

await runIsolated(async () => {
  const procs = new Processes({ deadlineMs: DEADLINE_MS, name: 'bench/ingest/interop' });
  let code;
  try {
    const result = await interop(procs);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    code = result.ok ? 0 : 1;
    if (!result.ok) {
      procs.failed = true;
      log(`interop FAILED: ${result.problems.join('; ')}`);
    }
  } catch (err) {
    procs.failed = true;
    log(`interop failed: ${err?.stack ?? err}`);
    code = 1;
  }
  await procs.stopAll();
  process.exit(code);
});

async function interop(procs) {
  const work = await makeWorkDir(procs, 'cruciate-interop');
  const syn = await loadSynthetic(work);
  const viaCstore = makeStudies(syn, { studies: 1, prefix: 'ORTHC', planes: PLANES });
  const viaStow = makeStudies(syn, { studies: 1, prefix: 'ORTHS', planes: PLANES });
  const expected = PLANES.reduce((a, [, n]) => a + n, 0);

  // Our platform first: Orthanc's configuration needs our DIMSE port, our URL and a bearer token.
  const cruciate = await startCruciate(procs, work);
  const token = await integratorToken(cruciate.url);
  const orthanc = await startOrthanc(procs, work, {
    extra: { DicomModalities: { cruciate: [cruciate.aeTitle, '127.0.0.1', cruciate.dimsePort] } },
    dicomWeb: { Servers: { cruciate: { Url: `${cruciate.url}/dicomweb/`, HttpHeaders: { Authorization: `Bearer ${token}` } } } },
  });

  // Upload both studies into Orthanc through its REST API (raw DICOM bodies).
  const orthancStudyId = async (set) => {
    const ids = new Set();
    for (const f of set.files) {
      const res = await fetch(`${orthanc.http}/instances`, {
        method: 'POST',
        headers: { 'content-type': 'application/dicom' },
        body: f.bytes,
        signal: AbortSignal.timeout(30_000),
      });
      const body = await res.json().catch(() => null);
      if (!res.ok || body?.Status !== 'Success') throw new Error(`Orthanc refused ${f.name}: ${res.status} ${JSON.stringify(body)}`);
      ids.add(body.ParentStudy);
    }
    if (ids.size !== 1) throw new Error(`expected one Orthanc study, got ${[...ids].join(', ')}`);
    return [...ids][0];
  };
  const cstoreStudyId = await orthancStudyId(viaCstore);
  const stowStudyId = await orthancStudyId(viaStow);
  log(`uploaded 2 x ${expected} instances into Orthanc (studies ${cstoreStudyId}, ${stowStudyId})`);

  // (a) C-STORE: Orthanc as SCU, our listener as SCP (called AE = hospital general's AE title).
  let t0 = performance.now();
  const cstoreReply = await postJson(`${orthanc.http}/modalities/cruciate/store`, { Resources: [cstoreStudyId], Synchronous: true }, { timeoutMs: 120_000 });
  const cstoreSeconds = (performance.now() - t0) / 1000;
  log(`Orthanc C-STORE to cruciate answered in ${cstoreSeconds.toFixed(2)} s: ${JSON.stringify(cstoreReply)}`);

  // (b) STOW-RS: Orthanc's DICOMweb client posting to our /dicomweb/studies with the bearer token.
  t0 = performance.now();
  const stowReply = await postJson(`${orthanc.http}/dicom-web/servers/cruciate/stow`, { Resources: [stowStudyId], Synchronous: true }, { timeoutMs: 120_000 });
  const stowSeconds = (performance.now() - t0) / 1000;
  log(`Orthanc STOW-RS to cruciate answered in ${stowSeconds.toFixed(2)} s: ${JSON.stringify(stowReply)}`);

  // Our side: QIDO-RS studies and series (instance counts per series).
  const studyUids = [viaCstore.studyUids[0], viaStow.studyUids[0]];
  let counts = await cruciateStudyCounts(cruciate, token, studyUids);
  for (let i = 0; i < 40 && studyUids.some((u) => counts.get(u) !== expected); i++) {
    await sleep(250);
    counts = await cruciateStudyCounts(cruciate, token, studyUids);
  }
  const describe = async (studyUid, orthancId, seconds, reply) => {
    const series = counts.has(studyUid)
      ? await getJson(`${cruciate.url}/dicomweb/studies/${studyUid}/series`, {
          headers: { authorization: `Bearer ${token}`, accept: 'application/dicom+json' },
        })
      : [];
    return {
      studyUid,
      orthancStudyId: orthancId,
      instances: counts.get(studyUid) ?? 0,
      series: (series ?? [])
        .map((s) => ({
          seriesUid: s['0020000E']?.Value?.[0] ?? null,
          description: s['0008103E']?.Value?.[0] ?? null,
          modality: s['00080060']?.Value?.[0] ?? null,
          instances: Number(s['00201209']?.Value?.[0] ?? 0),
        }))
        .sort((a, b) => b.instances - a.instances),
      orthancSeconds: Math.round(seconds * 100) / 100,
      orthancReply: reply,
    };
  };
  const cstore = await describe(studyUids[0], cstoreStudyId, cstoreSeconds, cstoreReply);
  const stow = await describe(studyUids[1], stowStudyId, stowSeconds, stowReply);
  const problems = [];
  for (const [name, r] of [
    ['cstore', cstore],
    ['stow', stow],
  ]) {
    if (r.instances !== expected) problems.push(`${name}: study ${r.studyUid} has ${r.instances} instances in our index, expected ${expected}`);
    const got = r.series.map((s) => s.instances).join('+');
    const want = PLANES.map(([, n]) => n).join('+');
    if (got !== want) problems.push(`${name}: series instance counts ${got || '(none)'}, expected ${want}`);
  }
  return { ok: problems.length === 0, expectedPerStudy: expected, orthanc: orthanc.version, cstore, stow, problems, workDir: path.basename(work) };
}
