using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MySaasChat.Integration.Tests.Notifications;

/// <summary>
/// A minimal SMTP server that greets, accepts EHLO and MAIL FROM, and answers every RCPT TO with a
/// permanent 550 (maildev cannot refuse). Counts the recipients it refused.
/// </summary>
public sealed class RefusingSmtpServer : IAsyncDisposable
{
    public const string Refusal = "550 5.1.1 <{0}>: recipient address rejected: user unknown";
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _refused;

    public RefusingSmtpServer()
    {
        _listener.Start();
        _loop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public int Refused => Volatile.Read(ref _refused);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException) { return; }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                await writer.WriteLineAsync("220 refuser.test ESMTP");
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                    switch (verb)
                    {
                        case "EHLO":
                            await writer.WriteLineAsync("250-refuser.test");
                            await writer.WriteLineAsync("250 8BITMIME");
                            break;
                        case "HELO" or "MAIL" or "RSET" or "NOOP":
                            await writer.WriteLineAsync("250 2.0.0 OK");
                            break;
                        case "RCPT":
                            Interlocked.Increment(ref _refused);
                            var address = line[(line.IndexOf('<') + 1)..line.LastIndexOf('>')];
                            await writer.WriteLineAsync(string.Format(Refusal, address));
                            break;
                        case "QUIT":
                            await writer.WriteLineAsync("221 2.0.0 bye");
                            return;
                        default:
                            await writer.WriteLineAsync("503 5.5.1 bad sequence of commands");
                            break;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
