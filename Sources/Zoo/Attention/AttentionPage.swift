import Foundation

/// A standalone HTML page with every layer and head of one or more attention views (an encoder-decoder has three):
/// an overview of all heads as thumbnails, and the heatmap of the chosen one, picked with the thumbnails, the
/// menus or the arrow keys. Everything is in the file (styles, script, data): it needs no network.
public struct AttentionPage {
    public let views: [AttentionView]
    /// The text the maps are of, and the decoder's text for an encoder-decoder, shown above them.
    public let text: String
    public let target: String?
    /// The view shown first.
    public let initialView: Int

    public init(views: [AttentionView], text: String, target: String? = nil, initialView: Int = 0) {
        precondition(!views.isEmpty && views.indices.contains(initialView), "attention page: no view \(initialView)")
        self.views = views
        self.text = text
        self.target = target
        self.initialView = initialView
    }

    public var html: String {
        let model = Markup.escaped(views[0].model)
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Attention · \(model)</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <h1>Attention of \(model)</h1>
            <p class="text">Text: <q>\(Markup.escaped(text))</q> (\(views[0].keyLabels.count) tokens)</p>\n
            """
        if let target {
            page += "<p class=\"text\">Decoder input: <q>\(Markup.escaped(target))</q></p>\n"
        }
        page += "<div class=\"controls\">\n"
        if views.count > 1 {
            page += "<label>Attention <select id=\"view\">"
            for (index, view) in views.enumerated() {
                page += "<option value=\"\(index)\"\(index == initialView ? " selected" : "")>\(view.kind.rawValue)</option>"
            }
            page += "</select></label>\n"
        }
        page += """
            <label>Layer <select id="layer"></select></label>
            <label>Head <select id="head"></select></label>
            <span class="hint">arrow keys: ← → head, ↑ ↓ layer; click a thumbnail to pick it</span>
            </div>
            <div class="overview" id="overview"></div>\n
            """
        for (index, view) in views.enumerated() {
            page += "<div class=\"view\"\(index == initialView ? "" : " hidden")>\n"
            page += AttentionHeatmap(view: view).element(layer: 0, head: 0)
            page += "</div>\n"
        }
        page += "<script type=\"application/json\" id=\"attention-data\">\(data)</script>\n"
        page += "<script>\(Self.script)</script>\n</body>\n</html>\n"
        return page
    }

    /// The maps and labels for the script, as JSON safe inside a script element.
    var data: String {
        var json = "{\"model\":\(Self.json(views[0].model)),\"initial\":\(initialView),"
        json += "\"palette\":[\(AttentionColors.palette().map { "\"\($0)\"" }.joined(separator: ","))],\"views\":["
        json += views.map { view in
            let maps = view.maps
            let heads = (0..<(maps.layers * maps.heads)).map { index in
                "[" + maps.map(layer: index / maps.heads, head: index % maps.heads).map(Self.probability)
                    .joined(separator: ",") + "]"
            }
            return "{\"kind\":\(Self.json(view.kind.rawValue)),\"layers\":\(maps.layers),\"heads\":\(maps.heads),"
                + "\"queries\":\(maps.queries),\"keys\":\(maps.keys),"
                + "\"queryLabels\":[\(view.queryLabels.map(Self.json).joined(separator: ","))],"
                + "\"keyLabels\":[\(view.keyLabels.map(Self.json).joined(separator: ","))],"
                + "\"maps\":[\(heads.joined(separator: ","))]}"
        }.joined(separator: ",")
        return json + "]}"
    }

    /// A probability with four decimals and no trailing zeros: "0", "0.25", "0.1234".
    static func probability(_ p: Float) -> String {
        var text = String(format: "%.4f", p)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// A JSON string; "<" is escaped so that no "</script>" can end the data early.
    static func json(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let encoded = (try? encoder.encode(text)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
        return encoded.replacingOccurrences(of: "<", with: "\\u003c")
    }

    static let style = """

        body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 24px; color: #222; }
        h1 { font-size: 20px; margin: 0 0 8px; }
        .text { margin: 4px 0; color: #444; }
        .controls { display: flex; gap: 16px; align-items: center; flex-wrap: wrap; margin: 12px 0; }
        .hint { color: #777; font-size: 13px; }
        .overview { display: inline-grid; gap: 4px; align-items: center; margin-bottom: 12px; font-size: 12px; color: #555; }
        .overview canvas { width: 44px; height: 44px; image-rendering: pixelated; cursor: pointer;
          border: 2px solid transparent; }
        .overview canvas.selected { border-color: #d62728; }
        .view svg { max-width: 100%; height: auto; }
        rect.cell:hover { stroke: #d62728; stroke-width: 1.5; }

        """

    /// Recolours the shown heatmap's cells from the data when another layer, head or view is picked, and draws the
    /// thumbnails.
    static let script = """

        (function () {
          const data = JSON.parse(document.getElementById('attention-data').textContent);
          const viewBoxes = document.querySelectorAll('.view');
          const viewMenu = document.getElementById('view');
          const layerMenu = document.getElementById('layer');
          const headMenu = document.getElementById('head');
          const overview = document.getElementById('overview');
          const state = { view: data.initial, layer: 0, head: 0 };
          const rgb = data.palette.map(function (hex) { return parseInt(hex.slice(1), 16); });

          function colorIndex(p) { return Math.max(0, Math.min(rgb.length - 1, Math.round(p * (rgb.length - 1)))); }

          function fill(menu, count) {
            menu.textContent = '';
            for (let i = 0; i < count; i++) {
              const option = document.createElement('option');
              option.value = String(i);
              option.textContent = String(i);
              menu.appendChild(option);
            }
          }

          function thumbnails() {
            const view = data.views[state.view];
            overview.textContent = '';
            overview.style.gridTemplateColumns = 'auto repeat(' + view.heads + ', auto)';
            overview.appendChild(document.createElement('span'));
            for (let h = 0; h < view.heads; h++) {
              const label = document.createElement('span');
              label.textContent = 'head ' + h;
              overview.appendChild(label);
            }
            for (let l = 0; l < view.layers; l++) {
              const label = document.createElement('span');
              label.textContent = 'layer ' + l;
              overview.appendChild(label);
              for (let h = 0; h < view.heads; h++) {
                const canvas = document.createElement('canvas');
                canvas.width = view.keys;
                canvas.height = view.queries;
                canvas.title = 'layer ' + l + ', head ' + h;
                canvas.dataset.layer = String(l);
                canvas.dataset.head = String(h);
                const context = canvas.getContext('2d');
                const image = context.createImageData(view.keys, view.queries);
                const values = view.maps[l * view.heads + h];
                for (let i = 0; i < values.length; i++) {
                  const color = rgb[colorIndex(values[i])];
                  image.data[4 * i] = color >> 16;
                  image.data[4 * i + 1] = (color >> 8) & 255;
                  image.data[4 * i + 2] = color & 255;
                  image.data[4 * i + 3] = 255;
                }
                context.putImageData(image, 0, 0);
                canvas.addEventListener('click', function () { pick(state.view, l, h); });
                overview.appendChild(canvas);
              }
            }
          }

          function draw() {
            const view = data.views[state.view];
            viewBoxes.forEach(function (box, index) { box.hidden = index !== state.view; });
            const svg = viewBoxes[state.view].querySelector('svg');
            const values = view.maps[state.layer * view.heads + state.head];
            svg.querySelectorAll('rect.cell').forEach(function (cell) {
              const q = Number(cell.getAttribute('data-q')), k = Number(cell.getAttribute('data-k'));
              const p = values[q * view.keys + k];
              cell.setAttribute('fill', data.palette[colorIndex(p)]);
              cell.querySelector('title').textContent =
                view.queryLabels[q] + ' (' + q + ') → ' + view.keyLabels[k] + ' (' + k + '): ' + p.toFixed(4);
            });
            const heading = data.model + ' · ' + view.kind + ' · layer ' + state.layer + ', head ' + state.head;
            svg.querySelector('text.heading').textContent = heading;
            svg.querySelector('title').textContent = heading;
            layerMenu.value = String(state.layer);
            headMenu.value = String(state.head);
            if (viewMenu) viewMenu.value = String(state.view);
            overview.querySelectorAll('canvas').forEach(function (canvas) {
              canvas.classList.toggle('selected', Number(canvas.dataset.layer) === state.layer &&
                                                  Number(canvas.dataset.head) === state.head);
            });
          }

          function pick(view, layer, head) {
            const changed = view !== state.view;
            const shape = data.views[view];
            state.view = view;
            state.layer = Math.max(0, Math.min(shape.layers - 1, layer));
            state.head = Math.max(0, Math.min(shape.heads - 1, head));
            if (changed) {
              fill(layerMenu, shape.layers);
              fill(headMenu, shape.heads);
              thumbnails();
            }
            draw();
          }

          if (viewMenu) viewMenu.addEventListener('change', function () { pick(Number(viewMenu.value), state.layer, state.head); });
          layerMenu.addEventListener('change', function () { pick(state.view, Number(layerMenu.value), state.head); });
          headMenu.addEventListener('change', function () { pick(state.view, state.layer, Number(headMenu.value)); });
          document.addEventListener('keydown', function (event) {
            if (event.target instanceof HTMLSelectElement) return;
            const moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
            const move = moves[event.key];
            if (!move) return;
            event.preventDefault();
            pick(state.view, state.layer + move[0], state.head + move[1]);
          });
          fill(layerMenu, data.views[state.view].layers);
          fill(headMenu, data.views[state.view].heads);
          thumbnails();
          draw();
        })();

        """
}
