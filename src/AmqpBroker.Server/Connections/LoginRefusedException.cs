namespace AmqpBroker.Server.Connections;

/// <summary>
/// A login the broker refused: wrong credentials, an unknown user, a blank password, a loopback-only user from
/// elsewhere. <see cref="Exception.Message"/> is the reason for the log (RabbitMQ's, e.g. <c>user 'u' - invalid
/// credentials</c>); the client is told only <see cref="ReplyText"/>, as RabbitMQ tells it.
/// </summary>
internal sealed class LoginRefusedException(string mechanism, string userName, string reason) : Exception(reason)
{
    public string Mechanism => mechanism;

    public string UserName => userName;

    public string ReplyText => $"ACCESS_REFUSED - Login was refused using authentication mechanism {mechanism}. For details see the broker logfile.";
}
