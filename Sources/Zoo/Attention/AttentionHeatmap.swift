import Foundation

/// An SVG heatmap of one head of an attention view: the query tokens down the left, the key tokens along the top,
/// one cell per pair coloured by its probability (its exact value in the cell's tooltip), the model, attention,
/// layer and head in the title, and the colour scale beside it.
public struct AttentionHeatmap {
    public let view: AttentionView

    public init(view: AttentionView) { self.view = view }

    /// The standalone SVG document of `layer` and `head`, which must exist (see `AttentionView.check`).
    public func document(layer: Int, head: Int) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + element(layer: layer, head: head)
    }

    /// The `<svg>` element alone, as the HTML page embeds it. Cells carry their query and key indices
    /// (`data-q`, `data-k`) so that the page can recolour them for another head.
    public func element(layer: Int, head: Int) -> String {
        let layout = Layout(view)
        let maps = view.maps
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(f(layout.width))" height="\(f(layout.height))" \
            viewBox="0 0 \(f(layout.width)) \(f(layout.height))" font-family="\(Layout.fonts)" \
            font-size="\(f(layout.fontSize))">\n
            """
        let heading = title(layer: layer, head: head)
        svg += "<title>\(xml(heading))</title>\n"
        svg += "<text class=\"heading\" x=\"\(f(Layout.margin))\" y=\"\(f(Layout.margin + 14))\" font-size=\"15\" font-weight=\"bold\">\(xml(heading))</text>\n"
        svg += "<text x=\"\(f(Layout.margin))\" y=\"\(f(Layout.margin + 34))\" font-size=\"11\" fill=\"#555\">\(Layout.caption)</text>\n"

        svg += "<g class=\"keys\" text-anchor=\"start\" dominant-baseline=\"central\">\n"
        for (k, label) in view.keyLabels.enumerated() {
            let x = layout.gridX + (Double(k) + 0.5) * layout.cell, y = layout.gridY - 6
            svg += "<text transform=\"translate(\(f(x)) \(f(y))) rotate(-90)\">\(xml(label))</text>\n"
        }
        svg += "</g>\n<g class=\"queries\" text-anchor=\"end\" dominant-baseline=\"central\">\n"
        for (q, label) in view.queryLabels.enumerated() {
            let y = layout.gridY + (Double(q) + 0.5) * layout.cell
            svg += "<text x=\"\(f(layout.gridX - 6))\" y=\"\(f(y))\">\(xml(label))</text>\n"
        }
        svg += "</g>\n<g class=\"cells\" stroke=\"#ffffff\" stroke-width=\"0.5\">\n"
        for q in 0..<maps.queries {
            for k in 0..<maps.keys {
                let p = Double(maps[layer, head, q, k])
                svg += "<rect class=\"cell\" data-q=\"\(q)\" data-k=\"\(k)\" x=\"\(f(layout.gridX + Double(k) * layout.cell))\" y=\"\(f(layout.gridY + Double(q) * layout.cell))\" width=\"\(f(layout.cell))\" height=\"\(f(layout.cell))\" fill=\"\(AttentionColors.color(p))\"><title>\(xml(cellTitle(q: q, k: k, p: p)))</title></rect>\n"
            }
        }
        svg += "</g>\n" + legend(layout) + "</svg>\n"
        return svg
    }

    /// "tiny-gpt2 · self-attention · layer 0, head 3"
    func title(layer: Int, head: Int) -> String {
        "\(view.model) · \(view.kind.rawValue) · layer \(layer), head \(head)"
    }

    /// The colour bar's gradient, named after the view so that the views of one page do not share it.
    var scaleID: String { "attention-scale-" + view.kind.rawValue.replacingOccurrences(of: " ", with: "-") }

    func cellTitle(q: Int, k: Int, p: Double) -> String {
        "\(view.queryLabels[q]) (\(q)) → \(view.keyLabels[k]) (\(k)): \(String(format: "%.4f", p))"
    }

    /// A vertical colour bar from 0 at the bottom to 1 at the top, with ticks.
    func legend(_ layout: Layout) -> String {
        let x = layout.legendX, top = layout.gridY, height = layout.legendHeight
        var svg = "<g class=\"legend\">\n<defs><linearGradient id=\"\(scaleID)\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">\n"
        let count = AttentionColors.stops.count
        for i in 0..<count {
            let offset = Double(i) / Double(count - 1)
            svg += "<stop offset=\"\(f(offset * 100))%\" stop-color=\"\(AttentionColors.color(offset))\"/>\n"
        }
        svg += "</linearGradient></defs>\n"
        svg += "<rect x=\"\(f(x))\" y=\"\(f(top))\" width=\"\(f(Layout.legendWidth))\" height=\"\(f(height))\" fill=\"url(#\(scaleID))\" stroke=\"#888\" stroke-width=\"0.5\"/>\n"
        for tick in stride(from: 0.0, through: 1.0, by: 0.25) {
            let y = top + (1 - tick) * height
            svg += "<line x1=\"\(f(x + Layout.legendWidth))\" y1=\"\(f(y))\" x2=\"\(f(x + Layout.legendWidth + 4))\" y2=\"\(f(y))\" stroke=\"#888\"/>"
            svg += "<text x=\"\(f(x + Layout.legendWidth + 7))\" y=\"\(f(y))\" dominant-baseline=\"central\" font-size=\"11\">\(String(format: "%.2f", tick))</text>\n"
        }
        svg += "<text x=\"\(f(x))\" y=\"\(f(top + height + 16))\" font-size=\"11\" fill=\"#555\">probability</text>\n</g>\n"
        return svg
    }

    /// Where everything goes: cells of 20 px up to 40 tokens, smaller beyond, and room for the longest labels.
    struct Layout {
        static let margin = 16.0
        static let fonts = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace"
        static let legendWidth = 14.0
        static let headerHeight = 48.0
        static let caption = "rows: queries (the tokens attending) · columns: keys (the tokens attended to) · each row sums to 1"

        let cell: Double
        let fontSize: Double
        let gridX, gridY: Double
        let legendX, legendHeight: Double
        let width, height: Double

        init(_ view: AttentionView) {
            let maps = view.maps
            let longest = max(maps.queries, maps.keys)
            cell = longest <= 40 ? 20 : max(6, 800 / Double(longest))
            let fontSize = min(12, cell * 0.7)
            self.fontSize = fontSize
            let rowLabels = view.queryLabels.map { Self.textWidth($0, fontSize: fontSize) }.max() ?? 0
            let columnLabels = view.keyLabels.map { Self.textWidth($0, fontSize: fontSize) }.max() ?? 0
            gridX = Self.margin + rowLabels + 10
            gridY = Self.margin + Self.headerHeight + columnLabels + 10
            legendX = gridX + Double(maps.keys) * cell + 24
            legendHeight = min(max(Double(maps.queries) * cell, 100), 320)
            let titleWidth = Self.textWidth(view.model, fontSize: 15) + 420
            let captionWidth = Self.textWidth(Self.caption, fontSize: 11)
            width = max(legendX + Self.legendWidth + 44, Self.margin + max(titleWidth, captionWidth)) + Self.margin
            height = gridY + max(Double(maps.queries) * cell, legendHeight + 20) + Self.margin
        }

        /// An estimate of a label's width in a monospaced font: wide (East Asian, emoji) characters count double.
        static func textWidth(_ text: String, fontSize: Double) -> Double {
            let columns = text.unicodeScalars.reduce(0.0) { total, scalar in
                total + (scalar.value >= 0x1100 && !(0x2000..<0x2800).contains(scalar.value) ? 2 : 1)
            }
            return columns * fontSize * 0.62
        }
    }
}

private func f(_ value: Double) -> String { Markup.number(value) }

private func xml(_ text: String) -> String { Markup.escaped(text) }
