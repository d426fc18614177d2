import Foundation

/// Writing SVG and HTML by hand: escaped text and short numbers.
enum Markup {
    /// `text` escaped for XML and HTML character data and attribute values.
    static func escaped(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A coordinate with at most two decimals and no trailing zeros: "12", "12.5", "12.25".
    static func number(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let magnitude = abs(hundredths)
        let whole = (hundredths < 0 ? "-" : "") + String(magnitude / 100)
        switch magnitude % 100 {
        case 0: return whole
        case let fraction where fraction % 10 == 0: return whole + "." + String(fraction / 10)
        case let fraction: return whole + (fraction < 10 ? ".0" : ".") + String(fraction)
        }
    }
}
