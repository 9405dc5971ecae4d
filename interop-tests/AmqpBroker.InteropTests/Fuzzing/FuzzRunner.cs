using System.Net.Sockets;
using AmqpBroker.Protocol.Framing;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.InteropTests.Fuzzing;

/// <summary>
/// Sends fuzz cases to a broker, many connections at a time. Each case is one connection: the protocol
/// header, a valid login and channel.open when the case starts there, then the case's bytes, then the
/// client's half of the socket closed. The broker must then close its half; a case it leaves open past
/// the deadline is reported as hung.
/// </summary>
internal sealed class FuzzRunner(string host, int port)
{
    private static readonly TimeSpan CaseDeadline = TimeSpan.FromSeconds(10);

    private static readonly byte[] Login =
    [
        .. Wire.Method(0, new ConnectionStartOk { Mechanism = "PLAIN", Response = "\0guest\0guest"u8.ToArray(), Locale = "en_US" }),
        .. Wire.Method(0, new ConnectionTuneOk { ChannelMax = 2047, FrameMax = 131_072, Heartbeat = 0 }),
        .. Wire.Method(0, new ConnectionOpen { VirtualHost = "/" }),
        .. Wire.Method(1, new ChannelOpen()),
    ];

    /// <summary>Runs the cases; returns the ones the broker left hanging.</summary>
    public async Task<IReadOnlyList<FuzzCase>> RunAsync(IReadOnlyList<FuzzCase> cases, int concurrency)
    {
        var hung = new List<FuzzCase>();
        using var slots = new SemaphoreSlim(concurrency);
        var runs = cases.Select(async fuzzCase =>
        {
            await slots.WaitAsync();
            try
            {
                if (!await RunAsync(fuzzCase))
                {
                    lock (hung)
                    {
                        hung.Add(fuzzCase);
                    }
                }
            }
            finally
            {
                slots.Release();
            }
        });
        await Task.WhenAll(runs);
        return hung;
    }

    /// <summary>True when the broker closed the connection within the deadline.</summary>
    private async Task<bool> RunAsync(FuzzCase fuzzCase)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var deadline = new CancellationTokenSource(CaseDeadline);
        byte[] bytes = fuzzCase.Stage == FuzzStage.BeforeLogin
            ? [.. ProtocolHeader.Amqp091, .. fuzzCase.Bytes]
            : [.. ProtocolHeader.Amqp091, .. Login, .. fuzzCase.Bytes];
        try
        {
            await socket.ConnectAsync(host, port, deadline.Token);
            await socket.SendAsync(bytes, deadline.Token);
            socket.Shutdown(SocketShutdown.Send);
            var buffer = new byte[16 * 1024];
            while (await socket.ReceiveAsync(buffer, deadline.Token) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            // Reset by the broker (it closed while our bytes were still arriving): closed all the same. A
            // refused connection is not this case's doing; the check after the batch finds a dead broker.
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
