/// `a *= b`, elementwise, for tensors of the same shape (the gating of a SwiGLU feed-forward).
public func multiplyInPlace(_ a: Tensor, _ b: Tensor) {
    precondition(a.shape == b.shape, "multiply: shapes \(a.shape) and \(b.shape) differ")
    let out = a.mutableData, other = b.data
    for i in 0..<a.count { out[i] *= other[i] }
}
