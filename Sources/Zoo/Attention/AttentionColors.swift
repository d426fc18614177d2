/// The colour scale of attention probabilities: linear from 0 (near white) to 1 (dark blue) through the nine
/// colours of ColorBrewer's sequential "Blues", so that a masked key (exactly 0) shows as the palest cell.
enum AttentionColors {
    static let stops: [(red: Double, green: Double, blue: Double)] = [
        (247, 251, 255), (222, 235, 247), (198, 219, 239), (158, 202, 225), (107, 174, 214),
        (66, 146, 198), (33, 113, 181), (8, 81, 156), (8, 48, 107),
    ]

    /// The colour of probability `p` (clamped to 0 ... 1) as "#rrggbb".
    static func color(_ p: Double) -> String {
        let position = min(max(p.isNaN ? 0 : p, 0), 1) * Double(stops.count - 1)
        let lower = min(Int(position), stops.count - 2)
        let t = position - Double(lower)
        let a = stops[lower], b = stops[lower + 1]
        func channel(_ x: Double, _ y: Double) -> String {
            let value = Int((x + (y - x) * t).rounded())
            let hex = String(value, radix: 16)
            return value < 16 ? "0" + hex : hex
        }
        return "#" + channel(a.red, b.red) + channel(a.green, b.green) + channel(a.blue, b.blue)
    }

    /// The scale as `count` colours from 0 to 1, for the page's script, which colours cells by index.
    static func palette(_ count: Int = 256) -> [String] {
        (0..<count).map { color(Double($0) / Double(count - 1)) }
    }
}
