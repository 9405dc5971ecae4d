using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net;
using AmqpBroker.Core.Alarms;
using AmqpBroker.Core.Profiles;

namespace AmqpBroker;

/// <summary>
/// The executable's switches, each the command-line form of one configuration key (so appsettings.json
/// and environment variables such as <c>Broker__Port</c> set the same things). Parsing is strict: an
/// unknown switch or a bad value is an error, <c>--help</c> and <c>--version</c> answer and exit.
/// </summary>
internal sealed class BrokerCommandLine
{
    private readonly List<(Option Option, string Key)> _switches = [];

    public BrokerCommandLine()
    {
        Add(Port("--port", "AMQP port; 0 picks a free one (default 5672)", minimum: 0), "Broker:Port");
        Add(Port("--management-port", "HTTP management API port; 0 picks a free one, -1 serves none (default 15672)", minimum: -1), "Broker:ManagementPort");
        Add(Port("--prometheus-port", "Prometheus metrics port (/metrics, as rabbitmq_prometheus); 0 picks a free one, -1 serves none (default 15692)", minimum: -1), "Broker:PrometheusPort");
        Add(Address("--bind", "address to listen on (default 0.0.0.0, every interface)"), "Broker:Bind");
        Add(new Option<string>("--data-dir") { Description = "where durable state is kept (default ./data)", HelpName = "dir" }, "Broker:DataDir");
        Add(new Option<bool>("--in-memory") { Description = "keep everything in memory and touch no files (nothing is paged: the memory watermark bounds a backlog)" }, "Broker:InMemory");
        Add(Watermark("--memory-high-watermark", "publishers are blocked above this memory: a fraction of RAM (0.4) or a size (512MiB); default per release (0.4 in 3.x, 0.6 in 4.x)"), "Broker:MemoryHighWatermark");
        Add(Size("--disk-free-limit", "publishers are blocked with less free disk space than this (default 50MB)"), "Broker:DiskFreeLimit");
        Add(Release("--rabbitmq-version", "the RabbitMQ release whose behaviour to show: 3.10, 3.13, 4.0, 4.1, 4.2 or 4.3 (default 4.2)"), "Broker:RabbitMQVersion");
        Add(new Option<bool>("--strict") { Description = "refuse (406) x-arguments the chosen RabbitMQ release would not act on: unknown names such as x-message-tll, and ones it ignores" }, "Broker:Settings:Strict");
        Add(Product("--product", "the product name reported to clients and the management API: AmqpBroker (default) or RabbitMQ"), "Broker:Settings:Product");
        Add(new Option<string>("--cluster-name") { Description = "the cluster name clients and the management API see, set at every start (RabbitMQ's cluster_name); default: the one set through the management API, else the node name", HelpName = "name" }, "Broker:Settings:ClusterName");
        Add(OneOf("--default-queue-type", "the type of a queue declared without x-queue-type in a vhost without a default of its own, from RabbitMQ 4.0 (default_queue_type): classic (default), quorum or stream", ["classic", "quorum", "stream"]), "Broker:Settings:DefaultQueueType");
        Add(Count("--queue-memory-limit", "ready messages a queue keeps in memory before it pages them to disk (default 20000)"), "Broker:QueueMemoryLimit");
        Add(Port("--amqps-port", "AMQP over TLS port, served when --tls-cert is given; 0 picks a free one (default 5671)", minimum: 0), "Broker:Tls:Port");
        Add(Port("--management-tls-port", "HTTPS management API port with the TLS certificate; -1 serves none (default -1)", minimum: -1), "Broker:Tls:ManagementPort");
        Add(File("--tls-cert", "the server certificate, PEM (RabbitMQ's ssl_options.certfile)"), "Broker:Tls:CertFile");
        Add(File("--tls-key", "the certificate's private key, PEM (ssl_options.keyfile)"), "Broker:Tls:KeyFile");
        Add(File("--tls-ca", "CA certificates client certificates must chain to, PEM (ssl_options.cacertfile)"), "Broker:Tls:CaCertFile");
        Add(new Option<bool>("--tls-verify-peer") { Description = "ask TLS clients for a certificate and refuse one that does not verify (verify_peer)" }, "Broker:Tls:VerifyPeer");
        Add(new Option<bool>("--tls-fail-if-no-peer-cert") { Description = "with --tls-verify-peer, refuse TLS clients without a certificate" }, "Broker:Tls:FailIfNoPeerCert");
        Add(OneOf("--ssl-cert-login-from", "where SASL EXTERNAL takes the user name from: distinguished_name (default), common_name or subject_alternative_name", Server.Connections.CertificateLogin.Sources), "Broker:Tls:CertLoginFrom");
        Add(Count("--consumer-timeout", "milliseconds a delivery may stay unacknowledged before its channel is closed (RabbitMQ's consumer_timeout); 0 turns it off (default 1800000)"), "Broker:Settings:ConsumerTimeout");
        Add(Count("--max-connections", "AMQP connections the broker accepts at once (RabbitMQ's connection_max); 0 is unlimited (default 0)"), "Broker:Settings:MaxConnections");
        Add(new Option<bool>("--enable-fault-api") { Description = "serve the test fault API (/api/faults, administrators only) on the management port" }, "Broker:EnableFaultApi");
        Add(new Option<bool>("--record") { Description = "record every AMQP command from the start, served at /api/recording" }, "Broker:Record");
        Add(Count("--max-open-files", "segment files of durable queues kept open at most; 0 shares what the descriptor limit leaves (default 0)"), "Broker:MaxOpenFiles");
    }

    public RootCommand Command { get; } = new("AmqpBroker: an AMQP 0-9-1 message broker that RabbitMQ clients use unchanged.");

    /// <summary>The configuration keys the switches given on this command line set, with their values as text.</summary>
    public Dictionary<string, string?> Overrides(ParseResult result)
    {
        var overrides = new Dictionary<string, string?>();
        foreach (var (option, key) in _switches)
        {
            if (result.GetResult(option) is { Implicit: false } given)
            {
                overrides[key] = Convert.ToString(given.GetValueOrDefault<object>(), CultureInfo.InvariantCulture);
            }
        }

        return overrides;
    }

    private void Add(Option option, string key)
    {
        Command.Options.Add(option);
        _switches.Add((option, key));
    }

    private static Option<int> Port(string name, string description, int minimum) =>
        Integer(name, description, "port", minimum, IPEndPoint.MaxPort, $"a port number from {minimum} to {IPEndPoint.MaxPort}");

    private static Option<int> Count(string name, string description) =>
        Integer(name, description, "count", 0, int.MaxValue, "a whole number, 0 or more");

    private static Option<int> Integer(string name, string description, string helpName, int minimum, int maximum, string expected) => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= minimum && value <= maximum)
            {
                return value;
            }

            result.AddError($"{name} must be {expected}, not '{text}'");
            return 0;
        },
    };

    private static Option<string> Watermark(string name, string description) =>
        Text(name, description, "limit", text => MemoryWatermark.TryParseLimit(text, long.MaxValue / 2, out _), "a fraction between 0 and 1 or a size such as 512MiB");

    private static Option<string> Size(string name, string description) =>
        Text(name, description, "size", text => ByteSize.TryParse(text, out _), "a size such as 50MB or 1GiB");

    private static Option<string> Text(string name, string description, string helpName, Func<string, bool> valid, string expected)
    {
        var option = new Option<string>(name) { Description = description, HelpName = helpName };
        option.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string>() ?? "";
            if (!valid(text))
            {
                result.AddError($"{name} must be {expected}, not '{text}'");
            }
        });
        return option;
    }

    private static Option<string> File(string name, string description) =>
        Text(name, description, "file", System.IO.File.Exists, "an existing file");

    private static Option<string> OneOf(string name, string description, IReadOnlyList<string> allowed) =>
        Text(name, description, "name", allowed.Contains, $"one of {string.Join(", ", allowed)}");
    private static Option<string> Product(string name, string description)
    {
        string[] names = [ProductNames.AmqpBroker, ProductNames.RabbitMq];
        return Text(name, description, "name", text => names.Contains(text), string.Join(" or ", names));
    }

    private static Option<string> Release(string name, string description) =>
        Text(name, description, "version", text => RabbitMqRelease.TryParse(text, out _), $"one of {string.Join(", ", RabbitMqRelease.Supported)}");

    private static Option<string> Address(string name, string description) =>
        Text(name, description, "address", text => IPAddress.TryParse(text, out _), "an IP address such as 0.0.0.0 or 127.0.0.1");
}
