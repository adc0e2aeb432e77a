/// `/`: a page a person reads. Like the original's `index.html` it fetches `/stats` and `/members` every
/// 5 s and shows them; the data never passes through string templating on the server.
enum StatusPage {
    static let html = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>etcd-mesos</title>
        <style>
        body{font:14px system-ui,sans-serif;margin:2em;color:#222}
        table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}
        .healthy{background:#dfd}.unhealthy{background:#fdd}code{background:#f4f4f4;padding:1px 4px}
        </style></head>
        <body><h1>etcd-mesos</h1>
        <p id="health">loading…</p>
        <h2>Counters</h2><table id="stats"></table>
        <h2>Members</h2><table id="members"><tr><th>name</th><th>host</th><th>peer</th><th>client</th>
        <th>reseed</th><th>state</th><th>etcd id</th><th>learner</th><th>reachable</th></tr></table>
        <p>JSON: <code>/stats</code> <code>/members</code> <code>/healthz</code> <code>/metrics</code>
        <code>/backups</code></p>
        <script>
        function cell(row, text) { const td = row.insertCell(); td.textContent = text; }
        async function refresh() {
          try {
            const stats = await (await fetch('/stats')).json();
            const health = document.getElementById('health');
            health.textContent = stats.healthy === 1 ? 'cluster is healthy' : 'cluster is NOT healthy';
            health.className = stats.healthy === 1 ? 'healthy' : 'unhealthy';
            const table = document.getElementById('stats');
            table.innerHTML = '';
            for (const key of Object.keys(stats).sort()) {
              const row = table.insertRow(); cell(row, key); cell(row, String(stats[key]));
            }
            const members = await (await fetch('/members')).json();
            const list = document.getElementById('members');
            while (list.rows.length > 1) list.deleteRow(1);
            for (const m of members) {
              const row = list.insertRow();
              for (const v of [m.name, m.host, m.rpcPort, m.clientPort, m.httpPort, m.state,
                               m.etcdMemberID ?? '', m.isLearner, m.reachable ?? '']) cell(row, String(v));
            }
          } catch (e) { document.getElementById('health').textContent = 'cannot reach the scheduler: ' + e; }
        }
        refresh(); setInterval(refresh, 5000);
        </script></body></html>
        """
}
