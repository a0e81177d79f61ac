// The import wizard over the import API: upload → columns (one row per column of the file, its field preselected
// when recognised, unmapped ones highlighted, samples, default country, the minimum rule) → preview of the first
// rows → dry run → import with a progress bar → report with Download failed rows. The URL holds the import
// (/console/contacts/import/<id>): leaving and coming back finds it where it is, also after a server restart.
import {
  Alert,
  Anchor,
  Button,
  Group,
  Loader,
  NativeSelect,
  Paper,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useState } from 'react';
import { Link, Navigate, useNavigate, useParams } from 'react-router';
import { api, ApiError, download, get } from '../shared/api.ts';
import { countryOptions } from '../shared/countries.ts';
import { errorText, useLanguage } from '../shared/i18n.tsx';
import { useBusiness } from '../shared/queries.ts';
import { importStatusSchema, previewSchema, runSchema, uploadSchema, type ImportStatus } from '../shared/schemas.ts';
import type { Texts } from '../shared/texts.ts';
import { duplicateFields, FIELDS, isField, missingFields, type Field, type Mapping } from './mapping.ts';
import { readSamples } from './samples.ts';
import { currentImport, loadDraft, saveDraft, setCurrentImport, type ImportDraft } from './store.ts';

export function ImportWizard() {
  const { importId } = useParams();
  if (!importId) {
    const current = currentImport();
    if (current) return <Navigate to={`/contacts/import/${current}`} replace />;
    return <UploadStep />;
  }
  return <ImportSteps id={importId} key={importId} />;
}

function UploadStep() {
  const { t } = useLanguage();
  const navigate = useNavigate();
  const business = useBusiness();
  const inputId = useId();
  const upload = useMutation({
    mutationFn: async (file: File) => {
      const form = new FormData();
      form.append('file', file);
      const [result, samples] = await Promise.all([
        api('POST', '/imports', uploadSchema, form),
        readSamples(file).catch(() => ({})),
      ]);
      const mapping: Mapping = {};
      for (const h of result.headers) {
        const f = result.suggestedMapping[h];
        mapping[h] = f && isField(f) ? f : null;
      }
      saveDraft(result.id, { upload: result, samples, mapping, country: business.data?.country ?? 'GB' });
      setCurrentImport(result.id);
      return result.id;
    },
    onSuccess: (id) => void navigate(`/contacts/import/${id}`),
  });
  return (
    <Stack maw={720}>
      <Title order={1} size="h2">
        {t.import.title}
      </Title>
      <Paper withBorder p="md">
        <Stack gap="xs">
          <label htmlFor={inputId}>
            <Text fw={500}>{t.import.file}</Text>
          </label>
          <Text size="sm" c="dimmed">
            {t.import.fileHint}
          </Text>
          <input
            id={inputId}
            type="file"
            accept=".csv,text/csv,text/plain"
            disabled={upload.isPending}
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              if (file) upload.mutate(file);
            }}
          />
          {upload.isPending && <Text role="status">{t.import.uploading}</Text>}
          {upload.isError && (
            <Alert color="red" role="alert">
              {errorText(t, upload.error)}
            </Alert>
          )}
        </Stack>
      </Paper>
    </Stack>
  );
}

function Counts({ t, job, label }: { t: Texts; job: ImportStatus; label: string }) {
  const items: [string, number][] = [
    [t.import.created, job.created],
    [t.import.updated, job.updated],
    [t.import.unchanged, job.unchanged],
    [t.import.skipped, job.skipped],
    [t.import.errors, job.failed],
  ];
  return (
    <section aria-label={label}>
      <SimpleGrid cols={{ base: 2, sm: 5 }} component="dl" spacing="xs">
        {items.map(([name, n]) => (
          <Paper withBorder p="xs" key={name}>
            <Text component="dt" size="sm" c="dimmed">
              {name}
            </Text>
            <Text component="dd" m={0} fw={700} size="xl" data-count={name}>
              {n}
            </Text>
          </Paper>
        ))}
      </SimpleGrid>
    </section>
  );
}

function RowErrors({ t, job }: { t: Texts; job: ImportStatus }) {
  if (job.errors.length === 0) return null;
  return (
    <div className="table-scroll">
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t.import.row}</Table.Th>
            <Table.Th>{t.import.column}</Table.Th>
            <Table.Th>{t.import.problems}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {job.errors.map((e, i) => (
            <Table.Tr key={`${e.row}-${i}`}>
              <Table.Td>{e.row}</Table.Td>
              <Table.Td>{e.column}</Table.Td>
              <Table.Td>{e.message}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}

function ImportSteps({ id }: { id: string }) {
  const { t } = useLanguage();
  const client = useQueryClient();
  const navigate = useNavigate();
  const job = useQuery({
    queryKey: ['import', id],
    queryFn: () => get(`/imports/${id}`, importStatusSchema),
    refetchInterval: (q) => (q.state.data?.status === 'running' ? 700 : false),
  });
  const [draft, setDraft] = useState<ImportDraft | null>(() => loadDraft(id));
  useEffect(() => {
    if (draft) saveDraft(id, draft);
  }, [id, draft]);
  const run = useMutation({
    mutationFn: (dryRun: boolean) =>
      api('POST', `/imports/${id}/run`, runSchema, {
        mapping: draft?.mapping,
        country: draft?.country,
        dryRun,
      }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['import', id] }),
  });
  // A finished import is no longer the one under way: "Import contacts" starts a new one (the report keeps its URL).
  const finished = job.data?.status === 'completed' && !job.data.dryRun;
  useEffect(() => {
    if (finished && currentImport() === id) setCurrentImport(null);
  }, [finished, id]);
  const restart = () => {
    setCurrentImport(null);
    void navigate('/contacts/import');
  };

  if (job.isPending) return <Loader aria-label={t.loading} />;
  if (job.isError)
    return (
      <Stack maw={720}>
        <Alert color="orange" role="status">
          {job.error instanceof ApiError && job.error.status === 404 ? t.inbox.notFound : errorText(t, job.error)}
        </Alert>
        <Button onClick={restart}>{t.import.again}</Button>
      </Stack>
    );
  const status = job.data;
  const title = (
    <Group justify="space-between">
      <Title order={1} size="h2">
        {t.import.title}
      </Title>
      <Text c="dimmed" className="wrap-anywhere">
        {status.fileName} · {t.import.rows(status.totalRows)}
      </Text>
    </Group>
  );

  if (status.status === 'running') {
    const pct = status.totalRows ? Math.round((100 * status.processedRows) / status.totalRows) : 0;
    return (
      <Stack>
        {title}
        <Text role="status">
          {(status.dryRun ? t.import.checking : t.import.running)(status.processedRows, status.totalRows)}
        </Text>
        <Progress value={pct} size="xl" aria-label={t.import.progress} animated />
      </Stack>
    );
  }
  if (status.status === 'completed' && !status.dryRun) {
    return (
      <Stack>
        {title}
        <Title order={2} size="h3">
          {t.import.report}
        </Title>
        <Counts t={t} job={status} label={t.import.report} />
        {status.failed > 0 && (
          <Anchor
            href={`/api/v1/imports/${id}/errors.csv`}
            onClick={(e) => {
              e.preventDefault();
              void download(`/imports/${id}/errors.csv`, `import-${id}-errors.csv`);
            }}
          >
            {t.import.download}
          </Anchor>
        )}
        <RowErrors t={t} job={status} />
        <Group>
          <Button onClick={restart}>{t.import.again}</Button>
          <Button variant="default" component={Link} to="/contacts">
            {t.contacts.title}
          </Button>
        </Group>
      </Stack>
    );
  }
  if (!draft)
    return (
      <Stack maw={720}>
        {title}
        <Alert color="orange">{t.import.gone}</Alert>
        <Button onClick={restart}>{t.import.again}</Button>
      </Stack>
    );
  return (
    <Stack>
      {title}
      {status.status === 'failed' && status.error && (
        <Alert color="red" role="alert">
          {t.import.failed(status.error)}
        </Alert>
      )}
      <MappingStep t={t} draft={draft} setDraft={setDraft} />
      <PreviewStep id={id} draft={draft} />
      {status.status === 'completed' && status.dryRun && (
        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="xs">
            {t.import.dryRunResult}
          </Title>
          <Counts t={t} job={status} label={t.import.dryRunResult} />
          <RowErrors t={t} job={status} />
        </Paper>
      )}
      {run.isError && (
        <Alert color="red" role="alert">
          {errorText(t, run.error)}
        </Alert>
      )}
      <Group>
        <Button
          variant="default"
          onClick={() => run.mutate(true)}
          disabled={missingFields(draft.mapping).length > 0 || duplicateFields(draft.mapping).length > 0}
          loading={run.isPending && run.variables}
        >
          {t.import.dryRun}
        </Button>
        <Button
          onClick={() => run.mutate(false)}
          disabled={missingFields(draft.mapping).length > 0 || duplicateFields(draft.mapping).length > 0}
          loading={run.isPending && !run.variables}
        >
          {t.import.start}
        </Button>
        <Button variant="subtle" onClick={restart}>
          {t.import.again}
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t.import.dryRunHint}
      </Text>
    </Stack>
  );
}

function MappingStep({ t, draft, setDraft }: { t: Texts; draft: ImportDraft; setDraft: (d: ImportDraft) => void }) {
  const { language } = useLanguage();
  const countries = useMemo(() => countryOptions(language), [language]);
  const missing = missingFields(draft.mapping);
  const duplicates = duplicateFields(draft.mapping);
  const fieldName = (m: string) =>
    m === 'phone or email' ? `${t.import.fields.phone} / ${t.import.fields.email}` : t.import.fields[m as Field];
  const options = [
    { value: '', label: t.import.ignore },
    ...FIELDS.map((f) => ({ value: f, label: t.import.fields[f] })),
  ];
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="import-columns">
      <Stack>
        <Title order={2} size="h4" id="import-columns">
          {t.import.mapping}
        </Title>
        <NativeSelect
          label={t.import.country}
          description={t.import.countryHint}
          value={draft.country}
          onChange={(e) => setDraft({ ...draft, country: e.currentTarget.value })}
          data={countries}
          maw={360}
        />
        <Alert color={missing.length ? 'orange' : 'green'} role={missing.length ? 'alert' : undefined}>
          {t.import.rule} {missing.length > 0 && t.import.missing(missing.map(fieldName).join(', '))}
          {duplicates.length > 0 && ` ${duplicates.map((d) => t.import.fields[d]).join(', ')} ×2`}
        </Alert>
        <div className="table-scroll">
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t.import.field}</Table.Th>
                <Table.Th>{t.import.column}</Table.Th>
                <Table.Th>{t.import.samples}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {draft.upload.headers.map((header, i) => {
                const field = draft.mapping[header] ?? null;
                const headerId = `import-column-${i}`;
                return (
                  <Table.Tr key={header} className={field ? undefined : 'unmapped'}>
                    <Table.Td>
                      <NativeSelect
                        aria-labelledby={headerId}
                        value={field ?? ''}
                        onChange={(e) => {
                          const v = e.currentTarget.value;
                          setDraft({ ...draft, mapping: { ...draft.mapping, [header]: isField(v) ? v : null } });
                        }}
                        data={options}
                        error={field && duplicates.includes(field) ? true : undefined}
                      />
                    </Table.Td>
                    <Table.Td>
                      <Text id={headerId} fw={500} className="wrap-anywhere">
                        {header}
                      </Text>
                      {!field && (
                        <Text size="xs" c="orange.8">
                          {t.import.notMapped}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c="dimmed" className="wrap-anywhere">
                        {(draft.samples[header] ?? []).join(' · ')}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </div>
      </Stack>
    </Paper>
  );
}

function PreviewStep({ id, draft }: { id: string; draft: ImportDraft }) {
  const { t } = useLanguage();
  const ready = missingFields(draft.mapping).length === 0 && duplicateFields(draft.mapping).length === 0;
  const preview = useQuery({
    queryKey: ['import-preview', id, draft.mapping, draft.country],
    enabled: ready,
    queryFn: () =>
      api('POST', `/imports/${id}/preview`, previewSchema, {
        mapping: draft.mapping,
        country: draft.country,
      }),
  });
  const mapped = FIELDS.filter((f) => Object.values(draft.mapping).includes(f));
  if (!ready) return null;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="import-preview">
      <Title order={2} size="h4" id="import-preview">
        {t.import.preview}
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        {t.import.previewHint}
      </Text>
      {preview.isPending && <Loader size="sm" aria-label={t.loading} />}
      {preview.isError && (
        <Alert color="orange" role="status">
          {errorText(t, preview.error)}
        </Alert>
      )}
      {preview.data && (
        <div className="table-scroll">
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t.import.row}</Table.Th>
                {mapped.map((f) => (
                  <Table.Th key={f}>{t.import.fields[f]}</Table.Th>
                ))}
                <Table.Th>{t.import.problems}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {preview.data.preview.map((r) => (
                <Table.Tr key={r.row} className={r.status === 'error' ? 'unmapped' : undefined}>
                  <Table.Td>{r.row}</Table.Td>
                  {mapped.map((f) => {
                    const v = r.values[f];
                    return (
                      <Table.Td key={f} className="wrap-anywhere">
                        {Array.isArray(v) ? v.join(', ') : v}
                      </Table.Td>
                    );
                  })}
                  <Table.Td>
                    {r.status === 'skipped' ? t.import.skipped : r.errors.map((e) => e.message).join('; ')}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      )}
    </Paper>
  );
}
