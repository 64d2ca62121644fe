using Microsoft.Extensions.Configuration;
using MimeKit;
using MySaasChat.Modules.Notifications;

namespace MySaasChat.Notifications.Tests;

public sealed class NotifyCommandTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "mysaaschat-tests", Guid.NewGuid().ToString("N"));

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DATA_DIR"] = _dataDir,
            ["SMTP_FROM_NAME"] = "Acme Chat",
        }).Build();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await NotifyCommand.RunAsync(args, config, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Notify_test_without_smtp_writes_the_test_email_and_says_where()
    {
        var (code, output, _) = await RunAsync("test", "--to", "ops@example.com");

        code.ShouldBe(0);
        output.ShouldContain(Path.Combine(_dataDir, "mail"));
        var file = Directory.GetFiles(Path.Combine(_dataDir, "mail"), "*.eml").ShouldHaveSingleItem();
        var message = await MimeMessage.LoadAsync(file);
        message.Subject.ShouldBe("Acme Chat test email");
        message.To.Mailboxes.Single().Address.ShouldBe("ops@example.com");
        message.TextBody.ShouldNotBeNullOrEmpty();
        message.HtmlBody.ShouldNotBeNullOrEmpty();
    }

    [Theory]
    [InlineData(new[] { "test" }, "--to is required")]
    [InlineData(new[] { "test", "--to", "not-an-address" }, "not an email address")]
    [InlineData(new[] { "send" }, "usage")]
    [InlineData(new[] { "test", "--to", "a@example.com", "--cc", "b@example.com" }, "unknown option '--cc'")]
    public async Task Notify_with_bad_arguments_exits_64_and_sends_nothing(string[] args, string message)
    {
        var (code, _, error) = await RunAsync(args);

        code.ShouldBe(64);
        error.ShouldContain(message);
        Directory.Exists(Path.Combine(_dataDir, "mail")).ShouldBeFalse();
    }

    public void Dispose()
    {
        try { Directory.Delete(_dataDir, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}
