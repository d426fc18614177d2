import ArgumentParser
import Foundation
import Zoo

struct Attention: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw where a model's attention heads look: an SVG heatmap of one layer and head, or an HTML page with all of them.",
        discussion: """
            With --layer and --head (counted from 0), writes an SVG heatmap of that head: the text's tokens down the \
            side (queries) and along the top (keys), a colour scale, and each cell's probability in its tooltip. \
            Without them, writes a standalone HTML page (no network needed) with every layer and head to pick from. \
            A decoder's causal mask shows as zeros above the diagonal. For an encoder-decoder the page has the \
            encoder's, the decoder's and the cross-attention; --cross picks the cross-attention.
            """)

    @Argument(help: "The model's name.")
    var name: String

    @Argument(help: "The text whose attention to show (an encoder-decoder's input).")
    var text: String

    @Option(help: "The layer to draw, from 0 (with --head).")
    var layer: Int?

    @Option(help: "The head to draw, from 0 (with --layer).")
    var head: Int?

    @Flag(help: "An encoder-decoder's cross-attention: the decoder's tokens attending to the input's.")
    var cross = false

    @Option(help: "An encoder-decoder's decoder text: the decoder reads its start token, then these tokens (default: what the model writes for the text).")
    var target: String?

    @Option(help: ArgumentHelp("The file to write: SVG with --layer and --head, HTML without.", valueName: "file"))
    var out: String

    @OptionGroup var zooOptions: ZooOptions

    func run() throws {
        try reportingErrors {
            guard (layer == nil) == (head == nil) else {
                throw ZooError("give both --layer and --head for one heatmap, or neither for the page with all of them")
            }
            let loaded = try zooOptions.zoo.model(named: name).load()
            let attention = try loaded.attention(of: text, target: target)
            let views = attention.views
            var shown = 0
            if cross {
                guard let index = views.firstIndex(where: { $0.kind == .cross }) else {
                    throw ZooError("\(name) is a \(loaded.config.modelType) model, which has no cross-attention: --cross is for encoder-decoder models")
                }
                shown = index
            }
            let document: String
            if let layer, let head {
                try views[shown].check(layer: layer, head: head)
                document = AttentionHeatmap(view: views[shown]).document(layer: layer, head: head)
            } else {
                document = AttentionPage(views: views, text: text, target: attention.target, initialView: shown).html
            }
            try write(document, to: out)
        }
    }

    /// Writes `document` whole or not at all: to a temporary file beside `path`, then renamed onto it.
    func write(_ document: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
            throw ZooError(path: path, "cannot write the output: it is a folder")
        }
        let parent = url.deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: parent.path, isDirectory: &isFolder) else {
            throw ZooError(path: path, "cannot write the output: there is no folder \(parent.path)")
        }
        guard isFolder.boolValue else {
            throw ZooError(path: path, "cannot write the output: \(parent.path) is not a folder")
        }
        do {
            try Data(document.utf8).write(to: url, options: .atomic)
        } catch {
            throw ZooError(path: path, "cannot write the output: \(error.localizedDescription)")
        }
        Terminal.note("wrote \(path)")
    }
}
