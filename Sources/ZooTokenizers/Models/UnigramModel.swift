/// SentencePiece's unigram model (`"type": "Unigram"`), as Hugging Face runs it: a word is cut into the pieces
/// whose scores add up to the most (Viterbi). A character that no piece spells alone may still be covered by a
/// longer one, or else is unknown, scored the lowest piece score less 10; consecutive unknown characters make one
/// unknown piece, which becomes its bytes' `<0xAB>` pieces under byte fallback when the vocabulary has them all,
/// and else the unknown id. Its token is the text it covers.
struct UnigramModel: TokenizationModel {
    let vocabulary: Vocabulary
    /// Each id's score.
    let scores: [Double]
    let trie: PieceTrie
    /// Hugging Face fails on an unknown character when there is no unknown id; here it is dropped.
    let unknownID: Int?
    let unknownScore: Double
    /// The `<0xAB>` piece of each byte, or -1; nil without byte fallback.
    let byteFallbackIDs: [Int32]?

    /// `pieces` in id order; `source` names the file for errors.
    init(pieces: [(token: String, score: Double)], unknownID: Int?, byteFallback: Bool, source: String) throws {
        if let unknownID, !pieces.indices.contains(unknownID) {
            throw TokenizerError(
                path: source, problem: "unk_id \(unknownID) is not the id of a piece (there are \(pieces.count))")
        }
        vocabulary = try Vocabulary(
            entries: pieces.enumerated().map { ($1.token, $0) }, source: source, count: pieces.count)
        scores = pieces.map(\.score)
        trie = PieceTrie(pieces.enumerated().map { (Array($1.token.utf8), $0) })
        self.unknownID = unknownID
        unknownScore = (pieces.map(\.score).min() ?? .infinity) - 10
        let vocabulary = self.vocabulary
        byteFallbackIDs =
            byteFallback ? (0..<256).map { vocabulary.id(of: byteToken(UInt8($0))).map(Int32.init) ?? -1 } : nil
    }

    func withWordEncoder<Result>(_ body: (any WordEncoder) -> Result) -> Result {
        body(UnigramWordEncoder(model: self))
    }
}

/// The piece that byte fallback gives a byte: "<0x0A>".
func byteToken(_ byte: UInt8) -> String {
    let hex = String(byte, radix: 16, uppercase: true)
    return "<0x\(hex.count == 1 ? "0" + hex : hex)>"
}

/// Encodes the words of one encode call with a `UnigramModel`, reusing its lattice between words.
final class UnigramWordEncoder: WordEncoder {
    private let model: UnigramModel
    /// For each byte offset of the word: the best score of a path ending there, where that path's last piece
    /// starts (-1 when none ends there) and its id (-1 for an unknown character without an unknown id).
    /// The encoder is used by one thread at a time (`withWordEncoder`), so its buffers go without the checks of
    /// exclusive access that a class's properties otherwise get at run time.
    @exclusivity(unchecked) private var bestScore: [Double] = []
    @exclusivity(unchecked) private var pieceStart: [Int32] = []
    @exclusivity(unchecked) private var pieceID: [Int32] = []
    /// The word's pieces, last first: (start, end, id), `unknown` for fused unknown characters.
    @exclusivity(unchecked) private var pieces: [(start: Int, end: Int, id: Int32)] = []
    private static let unknown: Int32 = -2

    init(model: UnigramModel) {
        self.model = model
    }

    func encode(_ word: UnsafeBufferPointer<UInt8>, into ids: inout [Int]) {
        segment(word)
        for piece in pieces.reversed() {
            appendIDs(of: piece, in: word, to: &ids) { _ in }
        }
    }

    func encode(
        _ word: UnsafeBufferPointer<UInt8>, into ids: inout [Int], tokens: inout [String], vocabulary: Vocabulary
    ) {
        segment(word)
        for piece in pieces.reversed() {
            appendIDs(of: piece, in: word, to: &ids) { token in
                let covered = UnsafeBufferPointer(rebasing: word[piece.start..<piece.end])
                tokens.append(token ?? String(decoding: covered, as: UTF8.self))
            }
        }
    }

    /// Appends the ids of a piece, calling `token` for each with its byte-fallback token, or nil when the token is
    /// the text the piece covers.
    private func appendIDs(
        of piece: (start: Int, end: Int, id: Int32), in word: UnsafeBufferPointer<UInt8>, to ids: inout [Int],
        token: (String?) -> Void
    ) {
        if piece.id >= 0 {
            ids.append(Int(piece.id))
            return token(nil)
        }
        let text = UnsafeBufferPointer(rebasing: word[piece.start..<piece.end])
        if let id = model.vocabulary.id(of: text) {
            ids.append(id)
            return token(nil)
        }
        if let fallback = model.byteFallbackIDs, text.allSatisfy({ fallback[Int($0)] >= 0 }) {
            for byte in text {
                ids.append(Int(fallback[Int(byte)]))
                token(byteToken(byte))
            }
            return
        }
        guard let unknownID = model.unknownID else { return }
        ids.append(unknownID)
        token(nil)
    }

    /// Fills `pieces` with the best segmentation of `word`, last piece first.
    private func segment(_ word: UnsafeBufferPointer<UInt8>) {
        pieces.removeAll(keepingCapacity: true)
        let count = word.count
        guard count > 0 else { return }
        if bestScore.count < count + 1 {
            bestScore = [Double](repeating: 0, count: count + 1)
            pieceStart = [Int32](repeating: -1, count: count + 1)
            pieceID = [Int32](repeating: -1, count: count + 1)
        }
        let scores = model.scores
        let trie = model.trie
        let unknownScore = model.unknownScore
        let unknownID = Int32(model.unknownID ?? -1)
        bestScore.withUnsafeMutableBufferPointer { bestScore in
            pieceStart.withUnsafeMutableBufferPointer { pieceStart in
                pieceID.withUnsafeMutableBufferPointer { pieceID in
                    for index in 0...count {
                        bestScore[index] = 0
                        pieceStart[index] = -1
                    }
                    var start = 0
                    while start < count {
                        let scoreHere = bestScore[start]
                        let characterLength = utf8Length(leadingByte: word[start])
                        var coversCharacter = false
                        trie.forEachToken(in: word, from: start) { end, id in
                            let candidate = scores[Int(id)] + scoreHere
                            if pieceStart[end] < 0 || candidate > bestScore[end] {
                                bestScore[end] = candidate
                                pieceStart[end] = Int32(start)
                                pieceID[end] = id
                            }
                            if end - start == characterLength { coversCharacter = true }
                        }
                        if !coversCharacter {
                            let end = min(start + characterLength, count)
                            let candidate = unknownScore + scoreHere
                            if pieceStart[end] < 0 || candidate > bestScore[end] {
                                bestScore[end] = candidate
                                pieceStart[end] = Int32(start)
                                pieceID[end] = unknownID
                            }
                        }
                        start += characterLength
                    }
                    // Back from the end; consecutive unknown pieces (and pieces of the unknown token) fuse.
                    var end = count
                    var unknownEnd: Int?
                    while end > 0 {
                        let start = Int(pieceStart[end])
                        if pieceID[end] == unknownID {
                            if unknownEnd == nil { unknownEnd = end }
                        } else {
                            if let fusedEnd = unknownEnd {
                                pieces.append((end, fusedEnd, Self.unknown))
                                unknownEnd = nil
                            }
                            pieces.append((start, end, pieceID[end]))
                        }
                        end = start
                    }
                    if let fusedEnd = unknownEnd { pieces.append((0, fusedEnd, Self.unknown)) }
                }
            }
        }
    }
}
