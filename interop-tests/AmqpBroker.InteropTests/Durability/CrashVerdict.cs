using System.Diagnostics;
using System.Globalization;

namespace AmqpBroker.InteropTests.Durability;

/// <summary>
/// Holds what the restarted broker handed out against what the clients saw before the kill. The rules are
/// exactly what the broker guarantees for a killed process (the OS keeps what was written to it):
/// <list type="number">
/// <item>A confirm is sent after a group-committed fsync: a confirmed message comes back unless it was acked.</item>
/// <item>A queue's log records publishes, "delivered" markers and acks in order, and a confirm makes every record
/// appended before that publish durable (IMessageStore.WhenDurable). So a delivery that reached the consumer
/// before some publisher started a publish that was then confirmed has its marker on disk: if it was not acked
/// it comes back, redelivered=true, even if its own confirm never arrived.</item>
/// <item>Likewise an ack sent before a publish on the same connection (whose frames the broker handles in order)
/// that was then confirmed is on disk: that message never comes back.</item>
/// <item>Later acks and markers are only handed to the OS by a background flusher, moments after the broker
/// processed them, so a kill may lose them: such an acked message may come back (once), such a delivery may
/// come back with redelivered=false. Unconfirmed messages may or may not come back.</item>
/// <item>Always: nothing comes back twice, nothing comes back that no publisher sent, and what comes back is
/// byte for byte what was sent.</item>
/// </list>
/// </summary>
internal sealed class CrashVerdict
{
    private const int MaxReported = 20;

    private readonly List<string> _violations = [];
    private int _suppressed;

    private CrashVerdict()
    {
    }

    public IReadOnlyList<string> Violations => _suppressed == 0 ? _violations : [.. _violations, $"... and {_suppressed} more"];

    /// <summary>One line of counts, so a passing run still shows what it covered.</summary>
    public string Summary { get; private set; } = string.Empty;

    public static CrashVerdict Check(CrashBefore before, CrashRecovered after)
    {
        var verdict = new CrashVerdict();
        verdict.Apply(before, after);
        return verdict;
    }

    private void Apply(CrashBefore before, CrashRecovered after)
    {
        foreach (var anomaly in before.Anomalies.Concat(before.Publishers.SelectMany(p => p.Anomalies)).Concat(before.Consumed.Anomalies).Concat(after.Defects))
        {
            Report(anomaly);
        }

        foreach (var publisher in before.Publishers.Where(p => p.Nacked > 0))
        {
            Report($"{publisher.Name} got {publisher.Nacked} nacks, though the queue has no limits");
        }

        var sent = before.Publishers.SelectMany(p => p.StartedAt.Keys).ToHashSet();
        var confirmed = before.Publishers.SelectMany(p => p.Confirmed).ToHashSet();
        var confirmHorizon = before.Publishers.Max(p => p.ConfirmHorizon);
        var consumed = before.Consumed;

        var recovered = new Dictionary<string, (int Copies, bool Redelivered)>();
        foreach (var (id, redelivered) in after.Messages)
        {
            recovered[id] = recovered.TryGetValue(id, out var seen) ? (seen.Copies + 1, seen.Redelivered && redelivered) : (1, redelivered);
        }

        foreach (var (id, (copies, _)) in recovered)
        {
            if (!sent.Contains(id))
            {
                Report($"{id} came back but was never sent");
            }

            if (copies > 1)
            {
                Report($"{id} came back {copies} times");
            }
        }

        foreach (var id in confirmed.Where(id => !consumed.AckAttempted.Contains(id) && !recovered.ContainsKey(id)))
        {
            Report($"{id} was confirmed and never acked, but did not come back");
        }

        var mustBeRedelivered = consumed.ReceivedAt.Where(r => !consumed.AckAttempted.Contains(r.Key) && r.Value <= confirmHorizon).Select(r => r.Key).ToList();
        foreach (var id in mustBeRedelivered)
        {
            var when = $"received {Milliseconds(consumed.ReceivedAt[id], before.KilledAt)} before the kill and {Milliseconds(consumed.ReceivedAt[id], confirmHorizon)} before the latest confirmed publish started";
            if (!recovered.TryGetValue(id, out var copy))
            {
                Report($"{id} was delivered and not acked ({when}), but did not come back");
            }
            else if (!copy.Redelivered)
            {
                Report($"{id} was delivered and not acked ({when}), but came back with redelivered=false");
            }
        }

        var acksBehindFence = consumed.AckedAt.Where(a => a.Value <= before.AckFence).Select(a => a.Key).ToList();
        foreach (var id in acksBehindFence.Where(recovered.ContainsKey))
        {
            Report($"{id} was acked {Milliseconds(consumed.AckedAt[id], before.KilledAt)} before the kill and {Milliseconds(consumed.AckedAt[id], before.AckFence)} before a confirmed publish on the consumer's connection, but came back");
        }

        Summary = string.Create(
            CultureInfo.InvariantCulture,
            $"sent {sent.Count}, confirmed {confirmed.Count}; delivered {consumed.ReceivedAt.Count}, of them acked {consumed.AckAttempted.Count} " +
            $"({acksBehindFence.Count} behind the ack fence) and kept {consumed.ReceivedAt.Count - consumed.AckAttempted.Count} " +
            $"({mustBeRedelivered.Count} behind a confirm); came back {after.Messages.Count} " +
            $"({after.Messages.Count(m => m.Redelivered)} redelivered, {recovered.Keys.Count(id => !confirmed.Contains(id))} unconfirmed, " +
            $"{recovered.Keys.Count(consumed.AckAttempted.Contains)} acked too late to stay acked)");
    }

    private static string Milliseconds(long from, long to) =>
        string.Create(CultureInfo.InvariantCulture, $"{Stopwatch.GetElapsedTime(from, to).TotalMilliseconds:0.###} ms");

    private void Report(string violation)
    {
        if (_violations.Count < MaxReported)
        {
            _violations.Add(violation);
        }
        else
        {
            _suppressed++;
        }
    }
}
