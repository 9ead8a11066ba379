// Bench baseline: reads the POSTed body as JSON and answers what Sluice answers. No auth, no
// validation, nothing queued: the floor under any JSON ingest on this runtime.
export default {
  async fetch(request) {
    if (request.method === "POST") await request.json();
    return Response.json({ success: true });
  },
};
