// Sample values per column, read in the browser from the start of the chosen file with papaparse (the server's
// upload answer has the headers and a mapped preview, not each column's raw cells).
import Papa from 'papaparse';

export async function readSamples(file: File, perColumn = 3): Promise<Record<string, string[]>> {
  const text = await file.slice(0, 64 * 1024).text();
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { preview: 12, skipEmptyLines: 'greedy' });
  const [headers, ...rows] = parsed.data;
  const out: Record<string, string[]> = {};
  (headers ?? []).forEach((h, i) => {
    out[h.trim()] = rows
      .map((r) => (r[i] ?? '').trim())
      .filter(Boolean)
      .slice(0, perColumn);
  });
  return out;
}
