using AmqpBroker.Core.Testing.Recording;

namespace AmqpBroker.Hosting;

/// <summary>The test toolkit's record of what happened.</summary>
public sealed partial class BrokerHost
{
    /// <summary>
    /// Every AMQP command on every connection and channel, with properties, headers, body and timestamp, once
    /// started (<see cref="BrokerOptions.Record"/> starts it with the broker). It answers questions and waits for
    /// what a test expects without sleeping:
    /// <code>
    /// var delivery = await broker.Recorder.WaitForAsync(c => c.Method == "basic.deliver" &amp;&amp; c.WasAcked, TimeSpan.FromSeconds(5));
    /// Assert.That(broker.Recorder.Published("orders", "created"), Has.Count.EqualTo(1));
    /// Console.WriteLine(RecordingText.Write(broker.Recorder.Commands));
    /// </code>
    /// </summary>
    public BrokerRecorder Recorder => Broker.Recorder;
}
