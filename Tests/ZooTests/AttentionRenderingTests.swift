import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Zoo

/// The elements and attributes of an XML document, read with Foundation's XMLParser: nil if it does not parse.
final class XMLElements: NSObject, XMLParserDelegate {
    private(set) var elements: [(name: String, attributes: [String: String])] = []
    /// The text of the elements that hold some, in the order they end.
    private(set) var text: [String] = []

    static func parse(_ document: String) -> XMLElements? {
        let collector = XMLElements()
        let parser = XMLParser(data: Data(document.utf8))
        parser.delegate = collector
        return parser.parse() ? collector : nil
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String]) {
        elements.append((name, attributes))
        open.append("")
    }

    /// The text of each element, in the order the elements end (the parser hands it over in pieces).
    private var open: [String] = []

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if !open.isEmpty { open[open.count - 1] += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        let content = open.removeLast().trimmingCharacters(in: .whitespacesAndNewlines)
        if !content.isEmpty { text.append(content) }
    }

    func named(_ name: String, class value: String? = nil) -> [[String: String]] {
        elements.filter { $0.name == name && (value == nil || $0.attributes["class"] == value) }.map(\.attributes)
    }
}

/// The SVG heatmap, the HTML page and the token labels, on the tiny GPT-2 and BERT.
@Suite struct AttentionRenderingTests {
    static let text = "Crème brûlée at the café 🙂"

    func views(_ fixtureName: String, text: String = text) throws -> [AttentionView] {
        let (loaded, folder) = try convertedFixture(fixtureName)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try loaded.attention(of: text).views
    }

    @Test func theSVGParsesAndHasOneCellPerTokenPair() throws {
        let view = try #require(try views("tiny-gpt2").first)
        let n = view.maps.queries
        #expect(n == 20 && view.maps.keys == n)
        let svg = AttentionHeatmap(view: view).document(layer: 1, head: 3)
        let parsed = try #require(XMLElements.parse(svg), "the SVG is well-formed XML")
        let cells = parsed.named("rect", class: "cell")
        #expect(cells.count == n * n)
        let pairs = Set(cells.compactMap { cell in cell["data-q"].flatMap(Int.init).flatMap { q in cell["data-k"].flatMap(Int.init).map { [q, $0] } } })
        #expect(pairs == Set((0..<n).flatMap { q in (0..<n).map { [q, $0] } }), "each pair exactly once")
        // Each cell's colour is its probability's on the scale, and the mask's zeros are the palest.
        for cell in cells {
            let q = Int(cell["data-q"]!)!, k = Int(cell["data-k"]!)!
            #expect(cell["fill"] == AttentionColors.color(Double(view.maps[1, 3, q, k])))
            if k > q { #expect(cell["fill"] == AttentionColors.color(0)) }
        }
        // Title with model, attention, layer and head; tokens as text on both axes; a colour scale.
        #expect(parsed.text.contains("m · self-attention · layer 1, head 3"))
        #expect(parsed.named("text").count >= 2 * n)
        for label in ["C", "␣the", "␣br", "è 1/2", "è 2/2", "␣🙂 1/3", "␣🙂 3/3"] {
            #expect(parsed.text.filter { $0 == label }.count == 2, "\(label) labels a row and a column")
        }
        #expect(!svg.contains("Ġ") && !svg.contains("Ã"), "byte-level symbols are decoded")
        #expect(parsed.named("linearGradient").count == 1 && parsed.named("stop").count == AttentionColors.stops.count)
        #expect(parsed.named("g", class: "legend").count == 1)
    }

    @Test func theColourScaleRunsFromPaleToDark() {
        #expect(AttentionColors.color(0) == "#f7fbff")
        #expect(AttentionColors.color(1) == "#08306b")
        #expect(AttentionColors.color(0.5) == "#6baed6")
        #expect(AttentionColors.color(-1) == AttentionColors.color(0) && AttentionColors.color(2) == AttentionColors.color(1))
        let palette = AttentionColors.palette()
        #expect(palette.count == 256 && palette.first == "#f7fbff" && palette.last == "#08306b")
    }

    @Test func labelsAreReadable() {
        #expect(TokenLabels.readable(" the") == "␣the")
        #expect(TokenLabels.readable("a b ") == "a b␣")
        #expect(TokenLabels.readable("  ") == "␣␣")
        #expect(TokenLabels.readable("\n\t\r\u{1}\u{7F}") == "↵⇥␍␁␡")
        #expect(TokenLabels.shortened(String(repeating: "x", count: 30)) == String(repeating: "x", count: 15) + "…")
    }

    @Test func encoderLabelsShowSpecialTokensAndWordPieces() throws {
        let view = try #require(try views("tiny-bert", text: "Héllo WORLD!").first)
        #expect(view.queryLabels == ["[CLS]", "he", "##ll", "##o", "wor", "##ld", "!", "[SEP]"])
        #expect(view.keyLabels == view.queryLabels && view.kind == .selfAttention)
        let parsed = try #require(XMLElements.parse(AttentionHeatmap(view: view).document(layer: 0, head: 0)))
        #expect(parsed.named("rect", class: "cell").count == 64)
    }

    @Test func thePageHoldsEveryLayerAndHeadAndNeedsNoNetwork() throws {
        let views = try views("tiny-gpt2")
        let page = AttentionPage(views: views, text: Self.text).html
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.hasSuffix("</html>\n"))
        // Nothing is fetched: no src or href attributes, no URLs but the SVG namespace's name.
        #expect(!page.contains("src=") && !page.contains("href=") && !page.contains("@import"))
        #expect(page.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").range(
            of: "https?://", options: .regularExpression) == nil)
        #expect(page.components(separatedBy: "<svg ").count == 2)
        #expect(page.contains(Markup.escaped(Self.text)))

        let start = try #require(page.range(of: "<script type=\"application/json\" id=\"attention-data\">"))
        let end = try #require(page.range(of: "</script>", range: start.upperBound..<page.endIndex))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(page[start.upperBound..<end.lowerBound].utf8)) as? [String: Any])
        let data = try #require((json["views"] as? [[String: Any]])?.first)
        let maps = views[0].maps
        #expect(data["layers"] as? Int == 2 && data["heads"] as? Int == 4)
        #expect(data["queryLabels"] as? [String] == views[0].queryLabels)
        let heads = try #require(data["maps"] as? [[Double]])
        #expect(heads.count == maps.layers * maps.heads)
        for (index, values) in heads.enumerated() {
            let reference = maps.map(layer: index / maps.heads, head: index % maps.heads).map(Double.init)
            #expect(values.count == reference.count)
            #expect(zip(values, reference).allSatisfy { abs($0 - $1) <= 5e-5 }, "four decimals")
        }
        #expect((json["palette"] as? [String])?.count == 256)
    }

    @Test func anEncoderDecoderPageHoldsItsThreeAttentions() throws {
        func view(_ kind: AttentionView.Kind, _ queries: [String], _ keys: [String]) -> AttentionView {
            let count = 2 * 3 * queries.count * keys.count
            let maps = AttentionMaps(layers: 2, heads: 3, queries: queries.count, keys: keys.count,
                                     values: (0..<count).map { Float($0 % keys.count == 0 ? 1 : 0) })
            return AttentionView(model: "s2s", kind: kind, queryLabels: queries, keyLabels: keys, maps: maps)
        }
        let source = ["▁Hello", "▁world", "</s>"], target = ["<pad>", "▁Hallo", "▁Welt", "</s>"]
        let views = [view(.encoder, source, source), view(.decoder, target, target), view(.cross, target, source)]
        let page = AttentionPage(views: views, text: "Hello world", target: "Hallo Welt", initialView: 2).html
        #expect(page.components(separatedBy: "<svg ").count == 4)
        #expect(page.contains("<option value=\"2\" selected>cross-attention</option>"))
        #expect(page.contains("Decoder input: <q>Hallo Welt</q>"))
        // Each view's colour bar has its own gradient, and only the picked view shows at first.
        for kind in ["encoder-self-attention", "decoder-self-attention", "cross-attention"] {
            #expect(page.components(separatedBy: "id=\"attention-scale-\(kind)\"").count == 2)
        }
        #expect(page.components(separatedBy: "<div class=\"view\" hidden>").count == 3)
        let cross = try #require(XMLElements.parse(AttentionHeatmap(view: views[2]).document(layer: 1, head: 2)))
        #expect(cross.named("rect", class: "cell").count == 4 * 3)
        #expect(cross.text.contains("s2s · cross-attention · layer 1, head 2"))
    }

    @Test func dataCannotCloseItsScriptEarly() {
        #expect(AttentionPage.json("</script><b>") == "\"\\u003c/script>\\u003cb>\"")
        #expect(AttentionPage.probability(0) == "0" && AttentionPage.probability(1) == "1")
        #expect(AttentionPage.probability(0.25) == "0.25" && AttentionPage.probability(0.123456) == "0.1235")
        #expect(Markup.escaped("<a & \"b\" 'c'>") == "&lt;a &amp; &quot;b&quot; &apos;c&apos;&gt;")
        #expect(Markup.number(12) == "12" && Markup.number(12.5) == "12.5" && Markup.number(-0.256) == "-0.26")
        #expect(Markup.number(3.04) == "3.04" && Markup.number(-7) == "-7")
    }

    @Test func badRequestsAreRefusedWithTheValidRange() throws {
        let (loaded, folder) = try convertedFixture("tiny-gpt2")
        defer { try? FileManager.default.removeItem(at: folder) }
        let view = try #require(try loaded.attention(of: "Hello").views.first)
        expectError("layer 2 is out of range: the self-attention of m has layers 0 to 1") {
            try view.check(layer: 2, head: 0)
        }
        expectError("head -1 is out of range: the self-attention of m has heads 0 to 3 in each layer") {
            try view.check(layer: 0, head: -1)
        }
        expectError("the text is empty: give the text whose attention to show") { _ = try loaded.attention(of: "") }
        expectError("but m takes at most 64") {
            _ = try loaded.attention(of: String(repeating: "a ", count: 70))
        }
        expectError("--target is for encoder-decoder models: m has no decoder input") {
            _ = try loaded.attention(of: "Hello", target: "Hallo")
        }
    }
}

/// `body` throws a ZooError whose message contains `message`.
func expectError(_ message: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("no error; expected \"\(message)\"", sourceLocation: sourceLocation)
    } catch {
        #expect(error is ZooError && "\(error)".contains(message), "\(error)", sourceLocation: sourceLocation)
    }
}
