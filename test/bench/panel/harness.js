// The harness's stand-in for VS Code's webview API and the benchmark's measurements (run in the page).
// window.__posted holds what the page posted; window.__measureShow(rows, columns) posts a `show` message with
// generated Dataverse-shaped rows and resolves with the time to the first frame with cells, the painted frame
// after it, and the number of cells in the DOM.
(function () {
  let state;
  window.__posted = [];
  window.acquireVsCodeApi = () => ({
    postMessage: (message) => window.__posted.push(message),
    getState: () => state,
    setState: (next) => { state = next; },
  });

  const HOSTILE = '<img src=x onerror=alert(1)>';
  window.__hostile = HOSTILE;

  function guid(n) {
    const hex = n.toString(16).padStart(12, '0');
    return `00000000-0000-0000-0000-${hex}`;
  }

  function makeRows(rowCount, columnCount) {
    const rows = [];
    for (let r = 0; r < rowCount; r += 1) {
      const row = { '@odata.etag': `W/"${1000 + r}"`, accountid: guid(r), name: r === 0 ? HOSTILE : `Account ${r}` };
      row['revenue@OData.Community.Display.V1.FormattedValue'] = `$${(r * 1000).toLocaleString('en-US')}.00`;
      row.revenue = r * 1000;
      row['statecode@OData.Community.Display.V1.FormattedValue'] = r % 3 ? 'Active' : 'Inactive';
      row.statecode = r % 3 ? 0 : 1;
      row['_parentaccountid_value@OData.Community.Display.V1.FormattedValue'] = `Parent ${r % 50}`;
      row['_parentaccountid_value@Microsoft.Dynamics.CRM.lookuplogicalname'] = 'account';
      row['_parentaccountid_value@Microsoft.Dynamics.CRM.associatednavigationproperty'] = 'parentaccountid';
      row._parentaccountid_value = guid(r % 50);
      row.primarycontactid = r % 10 ? null : { contactid: guid(r), fullname: `Contact ${r}` };
      for (let c = 6; c < columnCount; c += 1) {
        row[`col${c}`] = c % 4 === 0 ? r * c : c % 4 === 1 ? `text ${r}-${c}` : c % 4 === 2 ? (r % 7 ? `value ${c}` : null) : r % 2 === 0;
      }
      rows.push(row);
    }
    return rows;
  }

  function makeView(rows) {
    return {
      id: `bench-${Math.random().toString(36).slice(2)}`,
      title: 'Bench accounts',
      kind: 'response',
      status: 200,
      statusText: 'OK',
      success: true,
      statusLine: '200 OK · 120 ms · 4.1 MB',
      elapsedMs: 120,
      size: 4_100_000,
      attempts: 1,
      notes: [],
      request: { method: 'GET', url: 'https://contoso.crm.dynamics.com/api/data/v9.2/accounts', headers: [['Accept', 'application/json'], ['Authorization', 'Bearer •••']], environment: 'bench' },
      rows,
      count: rows.length,
      nextLink: 'https://contoso.crm.dynamics.com/api/data/v9.2/accounts?$skiptoken=x',
    };
  }

  const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())));
  const afterPaint = () => new Promise((resolve) => { const channel = new MessageChannel(); channel.port1.onmessage = () => resolve(performance.now()); channel.port2.postMessage(0); });

  window.__measureShow = (rowCount, columnCount) => new Promise((resolve) => {
    const view = makeView(makeRows(rowCount, columnCount));
    const start = performance.now();
    window.postMessage({ type: 'show', view }, '*');
    const check = () => {
      const cells = document.querySelectorAll('.grid-cell').length;
      if (cells === 0) { requestAnimationFrame(check); return; }
      const frame = performance.now();
      afterPaint().then((painted) => {
        const hostileAsText = [...document.querySelectorAll('.grid-cell .main')].some((cell) => cell.textContent === HOSTILE);
        resolve({
          firstFrameMs: frame - start,
          paintedMs: painted - start,
          cells,
          rowsInDom: document.querySelectorAll('.grid-row').length,
          images: document.querySelectorAll('img').length,
          hostileAsText,
        });
      });
    };
    requestAnimationFrame(check);
  });

  /** Scrolls the grid in `steps` frames (down and right) and reports frame intervals and the largest cell count seen. */
  window.__measureScroll = async (steps) => {
    const grid = document.querySelector('.grid-scroll');
    let last = await nextFrame();
    const intervals = [];
    let maxCells = 0;
    for (let step = 0; step < steps; step += 1) {
      grid.scrollTop += 480;
      grid.scrollLeft += 160;
      await nextFrame();
      const now = await nextFrame();
      intervals.push(now - last);
      last = now;
      maxCells = Math.max(maxCells, document.querySelectorAll('.grid-cell').length);
    }
    intervals.sort((a, b) => a - b);
    return { steps, medianMs: intervals[Math.floor(intervals.length / 2)], maxMs: intervals[intervals.length - 1], maxCells, scrollTop: grid.scrollTop };
  };
})();
