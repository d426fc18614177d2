import ZooTensor

/// The intermediate tensors of a decoder's forward pass over a number of positions. A model keeps them in the
/// cache (`KVCache.scratch`) and writes into them (the kernels' `into:` forms), so that each decode step after the
/// first reuses the memory of the step before and allocates nothing.
protocol ForwardBuffers: AnyObject {
    var rows: Int { get }
}

extension KVCache {
    /// The buffers of the last pass when it covered as many positions, else new ones from `make`.
    func buffers<Buffers: ForwardBuffers>(rows: Int, _ make: () -> Buffers) -> Buffers {
        if let kept = scratch as? Buffers, kept.rows == rows { return kept }
        let made = make()
        scratch = made
        return made
    }
}

/// A tensor a forward pass returns again and again (the logits of a decode step), in memory it reuses: of the two
/// buffers it keeps, one the caller no longer holds. A caller that keeps the last result while it asks for the next
/// (`logits = model.forward(...)`) still allocates nothing; one that keeps more gets new memory.
struct ReturnedTensor {
    let shape: [Int]
    private var buffers: [Storage]

    init(shape: [Int]) {
        self.shape = shape
        let bytes = shape.reduce(1, *) * MemoryLayout<Float>.size
        buffers = [Storage(byteCount: bytes, zeroed: false), Storage(byteCount: bytes, zeroed: false)]
    }

    /// The logits of the final hidden states `h` ([rows, width]) through the output `head`: of every row when
    /// `allPositions` asks for several (in new memory), else of the last row (in this reused memory).
    mutating func logits(of h: Tensor, head: OutputHead, allPositions: Bool) -> Tensor {
        let rows = h.shape[0]
        if allPositions && rows > 1 { return linear(h, weight: head.weight, bias: head.bias) }
        let last = rows == 1 ? h : h.row(rows - 1).reshaped([1, h.shape[1]])
        let logits = next()
        linear(last, weight: head.weight, bias: head.bias, into: logits)
        return logits
    }

    /// The greedy token of the last row of `h`: the index of the largest logit (the lowest on ties), found through
    /// the head's screen when it has one and the screen can tell, else from all the logits.
    mutating func greedyToken(of h: Tensor, head: OutputHead) -> Int {
        let last = h.data + (h.shape[0] - 1) * h.shape[1]
        if let screen = head.argmaxScreen,
           let token = screen.argmax(last, scratch: next().mutableData) {
            return token
        }
        let logits = logits(of: h, head: head, allPositions: false)
        return argmax(logits.data, count: logits.shape[1])
    }

    /// The logits of the last row of `h` for a sampler that keeps the `k` largest: only the tokens that can be among
    /// them, through the head's screen when it has one and the screen can tell, else all of them.
    mutating func nextLogits(of h: Tensor, head: OutputHead, largest k: Int) -> NextLogits {
        let last = h.data + (h.shape[0] - 1) * h.shape[1]
        if let screen = head.argmaxScreen,
           let found = screen.largest(k, last, scratch: next().mutableData) {
            return .largest(found.map { (id: $0.row, logit: $0.value) })
        }
        return .all(logits(of: h, head: head, allPositions: false))
    }

    private mutating func next() -> Tensor {
        for i in buffers.indices where isKnownUniquelyReferenced(&buffers[i]) {
            return Tensor(shape: shape, dtype: .float32, storage: buffers[i])
        }
        buffers[0] = Storage(byteCount: buffers[0].byteCount, zeroed: false)
        return Tensor(shape: shape, dtype: .float32, storage: buffers[0])
    }
}
