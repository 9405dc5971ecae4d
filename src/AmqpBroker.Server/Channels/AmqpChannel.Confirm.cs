using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Server.Channels;

/// <summary>The confirm class (RabbitMQ's publisher confirms): confirm.select. The confirms themselves are <see cref="PublisherConfirms"/>.</summary>
internal sealed partial class AmqpChannel
{
    private void HandleConfirmMethod(uint commandId, ref AmqpReader reader)
    {
        if (commandId != CommandIds.ConfirmSelect)
        {
            throw UnsupportedMethod(commandId);
        }

        var select = ConfirmSelect.Read(ref reader);
        _confirms.Enable(transactional: _transaction is not null);
        if (!select.NoWait)
        {
            Send(new ConfirmSelectOk());
        }
    }
}
