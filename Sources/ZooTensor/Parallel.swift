#if canImport(Glibc)
import Glibc
#endif
import COpenBLAS
import CZooFloat
import Foundation
import Synchronization

/// Runs loops across the cores with a pool of threads that stay alive between calls.
///
/// Decode calls a parallel loop about fifty times per token, each a fraction of a millisecond of work, so the pool
/// is built for a short hand-over: the workers spin for a while after each job before they sleep, and the calling
/// thread takes parts of the work itself. A call made while another is running (from a worker, or from a second
/// thread) runs its parts serially on the calling thread.
///
/// The number of threads is the `ZOO_THREADS` environment variable, or else the number of online processors.
public enum Parallel {
    /// The threads a parallel loop uses, the calling one included.
    public static var threadCount: Int { ThreadPool.shared.threadCount }

    /// Calls `body(part)` for every part in 0..<parts, concurrently, and returns when all have returned.
    /// Parts are handed out in order, one at a time, to whichever thread is free.
    public static func forEach(parts: Int, _ body: (Int) -> Void) {
        ThreadPool.shared.run(parts: parts, body)
    }

    /// `forEach`, on the calling thread alone when the parts together are fewer than `serialWork` multiply-adds
    /// (`work`): a few microseconds, about what handing parts to the other cores costs (a decode step's
    /// cross-attention over a short input, say).
    public static func forEach(parts: Int, work: Int, _ body: (Int) -> Void) {
        if work < serialWork {
            for part in 0..<parts { body(part) }
        } else {
            forEach(parts: parts, body)
        }
    }

    static let serialWork = 1 << 17

    /// Splits 0..<count into contiguous ranges and calls `body` on each, concurrently. A range is never shorter
    /// than `minimum` elements (so small loops run on one thread) and its bounds are multiples of `granularity`
    /// (except the end of the last one). The ranges shrink as the loop goes (guided scheduling): the first ones
    /// are long, so few are handed out, and the last ones short, so the threads finish close together even when
    /// a core is busy elsewhere.
    ///
    /// With `streams`, the ranges are instead equal, one per thread (fewer when `minimum` asks): for matrix-vector
    /// products, whose cores then each read their weights as one sequential stream. Guided parts, each a new stream
    /// and the cores' ranges interleaved, ran SmolLM2 Q4_1 decode 7–10% slower and BERT-base 1×16 3% slower in
    /// alternated runs, and were no better with another program busy on one of the cores.
    public static func forRanges(_ count: Int, granularity: Int = 1, minimum: Int = 1, streams: Bool = false,
                                 _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let ranges = RangeSplit(count: count, granularity: granularity, minimum: minimum, threads: threadCount,
                                streams: streams)
        if ranges.parts == 1 { return body(0..<count) }
        forEach(parts: ranges.parts) { part in
            let range = ranges[part]
            if !range.isEmpty { body(range) }
        }
    }

    /// `forRanges` with the body as a value instead of a closure, for the loops of every decode step: handing a
    /// closure to other threads costs an allocation (Swift boxes it to let it out of its scope), while a value is
    /// lent to them from the caller's stack.
    public static func forRanges<Loop: RangeLoop>(_ count: Int, granularity: Int = 1, minimum: Int = 1,
                                                  streams: Bool = false, _ loop: Loop) {
        guard count > 0 else { return }
        let ranges = RangeSplit(count: count, granularity: granularity, minimum: minimum, threads: threadCount,
                                streams: streams)
        if ranges.parts == 1 { return loop(0..<count) }
        withUnsafePointer(to: (loop, ranges)) { job in
            ThreadPool.shared.run(parts: ranges.parts, context: UnsafeRawPointer(job)) { context, part in
                let job = context.assumingMemoryBound(to: (Loop, RangeSplit).self)
                let range = job.pointee.1[part]
                if !range.isEmpty { job.pointee.0(range) }
            }
        }
    }
}

/// The body of a parallel loop over ranges, as a value (see `Parallel.forRanges(_:granularity:minimum:_:)`).
public protocol RangeLoop {
    func callAsFunction(_ range: Range<Int>)
}

/// 0..<count cut into the parts of a `GuidedSplit` of its whole `granularity`-sized units (with `streams`, equal
/// parts, one per thread).
struct RangeSplit {
    let split: GuidedSplit, granularity: Int, count: Int

    init(count: Int, granularity: Int, minimum: Int, threads: Int, streams: Bool = false) {
        let units = (count + granularity - 1) / granularity
        let minimumUnits = max(1, (minimum + granularity - 1) / granularity)
        split = streams ? GuidedSplit(units: units, equalParts: max(1, min(threads, units / minimumUnits)))
            : GuidedSplit(units: units, threads: threads, minimumUnits: minimumUnits)
        self.granularity = granularity
        self.count = count
    }

    var parts: Int { split.parts }

    subscript(part: Int) -> Range<Int> {
        let first = split.start(part) * granularity
        return first..<max(first, min(count, split.start(part + 1) * granularity))
    }
}

/// Part boundaries that shrink geometrically: part k starts at units·(1 − qᵏ) with q = 1 − 1/(2·threads), so each
/// part takes a 2·threads-th of what is left, while parts stay at least the minimum; what is left then is split into
/// parts of about the minimum. Each boundary is computed on its own, so no table is built per loop.
struct GuidedSplit {
    let units: Int, parts: Int
    private let ratio: Double, geometricParts: Int, tailStart: Int, tailParts: Int

    init(units: Int, threads: Int, minimumUnits: Int) {
        self.units = units
        ratio = 1 - 1 / Double(2 * max(threads, 1))
        guard threads > 1, units >= 2 * minimumUnits else {
            (geometricParts, tailStart, tailParts, parts) = (0, 0, 1, 1)
            return
        }
        // Part k is about units·(1 − q)·qᵏ long; the estimate from logarithms is checked against the rounded
        // boundaries, and what the geometric parts leave must still make a whole part.
        let firstPart = Double(units) * (1 - ratio)
        var geometric = firstPart < Double(minimumUnits)
            ? 0 : Int(log(Double(minimumUnits) / firstPart) / log(ratio)) + 1
        let start = { [ratio] k in Self.geometricStart(k, units: units, ratio: ratio) }
        while geometric > 0,
              start(geometric) - start(geometric - 1) < minimumUnits || units - start(geometric) < minimumUnits {
            geometric -= 1
        }
        geometricParts = geometric
        tailStart = start(geometric)
        tailParts = (units - tailStart) / minimumUnits
        parts = geometric + tailParts
    }

    /// `units` in `parts` parts of equal length (to a unit).
    init(units: Int, equalParts parts: Int) {
        (self.units, self.parts, ratio) = (units, parts, 0)
        (geometricParts, tailStart, tailParts) = (0, 0, parts)
    }

    /// The first unit of `part` (`units` for `parts`).
    func start(_ part: Int) -> Int {
        if part >= parts { return units }
        if part < geometricParts { return Self.geometricStart(part, units: units, ratio: ratio) }
        return tailStart + (units - tailStart) * (part - geometricParts) / tailParts
    }

    private static func geometricStart(_ k: Int, units: Int, ratio: Double) -> Int {
        k == 0 ? 0 : units - Int(Double(units) * pow(ratio, Double(k)))
    }
}

/// The threads behind `Parallel`. A job is published as a ticket, its generation number in the high 32 bits and its
/// next unclaimed part in the low ones; a thread claims a part by advancing the ticket with compare-and-swap, which
/// fails once the generation has moved on, so a worker that wakes late can never run a finished job's part. The
/// caller returns when every part has run; it never waits for an idle worker, only for parts already claimed.
final class ThreadPool: @unchecked Sendable {  // `parts` and `job` are published through `ticket`
    static let shared = ThreadPool(threads: ThreadPool.configuredThreads())

    let threadCount: Int
    private let ticket = Atomic<UInt64>(0)
    private let finished = Atomic<Int>(0)
    private let sleeping = Atomic<Int>(0)
    private let running = Atomic<Bool>(false)
    private var parts = 0
    /// The job's parts run as `invoke(context, part)`: a context the caller lends from its stack, and a function
    /// that captures nothing, so that publishing a job allocates nothing.
    private var job: (context: UnsafeRawPointer, invoke: (UnsafeRawPointer, Int) -> Void)?
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    /// Spin iterations (each a pause of some tens of cycles) before an idle worker sleeps: about 50 µs, longer than
    /// the gaps between the parallel loops of a decode step, short enough not to hold a core through long serial
    /// work (tokenizing, say) that another program could use.
    private static let spinLimit = 4_000
    /// Spin iterations of a caller waiting for a claimed part before it yields its core (the worker running that
    /// part may be waiting for one when the machine is busy).
    private static let waitSpins = 2_000

    static func configuredThreads() -> Int {
        if let text = ProcessInfo.processInfo.environment["ZOO_THREADS"], let n = Int(text), n > 0 { return n }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    init(threads: Int) {
        zoo_openblas_single_threaded()
        threadCount = threads
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wake, nil)
        for _ in 1..<max(threads, 1) {
            let thread = Thread { [unowned self] in self.workerLoop() }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Runs `body(part)` for every part: the closure is lent to the workers through `withoutActuallyEscaping`,
    /// which boxes it, one small allocation per call.
    func run(parts: Int, _ body: (Int) -> Void) {
        guard parts > 1, threadCount > 1 else {
            for part in 0..<parts { body(part) }
            return
        }
        withoutActuallyEscaping(body) { body in
            withUnsafePointer(to: body) { body in
                run(parts: parts, context: UnsafeRawPointer(body)) { context, part in
                    context.assumingMemoryBound(to: ((Int) -> Void).self).pointee(part)
                }
            }
        }
    }

    /// Runs `invoke(context, part)` for every part.
    func run(parts: Int, context: UnsafeRawPointer, invoke: @escaping (UnsafeRawPointer, Int) -> Void) {
        guard parts > 1, threadCount > 1,
              running.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for part in 0..<parts { invoke(context, part) }
            return
        }
        job = (context, invoke)
        self.parts = parts
        finished.store(0, ordering: .relaxed)
        let generation = (ticket.load(ordering: .relaxed) >> 32) &+ 1
        ticket.store(generation << 32, ordering: .sequentiallyConsistent)
        if sleeping.load(ordering: .sequentiallyConsistent) > 0 {
            pthread_mutex_lock(mutex)
            pthread_cond_broadcast(wake)
            pthread_mutex_unlock(mutex)
        }
        takeParts(generation: generation)
        var spins = 0
        while finished.load(ordering: .acquiring) < parts {
            spins += 1
            if spins < Self.waitSpins { zoo_cpu_relax() } else { sched_yield() }
        }
        job = nil
        running.store(false, ordering: .releasing)
    }

    /// Runs parts of job `generation` until none is left or the job is over.
    private func takeParts(generation: UInt64) {
        var current = ticket.load(ordering: .acquiring)
        while current >> 32 == generation {
            let part = Int(current & 0xFFFF_FFFF)
            if part >= parts { return }
            let (exchanged, original) = ticket.compareExchange(expected: current, desired: current + 1,
                                                               ordering: .acquiringAndReleasing)
            if exchanged {
                job!.invoke(job!.context, part)
                finished.add(1, ordering: .releasing)
                current = ticket.load(ordering: .acquiring)
            } else {
                current = original
            }
        }
    }

    private func workerLoop() {
        var seen: UInt64 = 0
        while true {
            var spins = 0
            while ticket.load(ordering: .acquiring) >> 32 == seen {
                spins += 1
                if spins < Self.spinLimit {
                    zoo_cpu_relax()
                    continue
                }
                pthread_mutex_lock(mutex)
                sleeping.add(1, ordering: .sequentiallyConsistent)
                while ticket.load(ordering: .sequentiallyConsistent) >> 32 == seen { pthread_cond_wait(wake, mutex) }
                sleeping.subtract(1, ordering: .relaxed)
                pthread_mutex_unlock(mutex)
            }
            seen = ticket.load(ordering: .acquiring) >> 32
            takeParts(generation: seen)
        }
    }
}
