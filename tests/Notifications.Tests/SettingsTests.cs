using Microsoft.Extensions.Configuration;
using MySaasChat.Hosting;
using MySaasChat.Modules.Notifications;
using MySaasChat.Testing;

namespace MySaasChat.Notifications.Tests;

public sealed class SettingsTests
{
    private static MailSettings Load(params (string Key, string? Value)[] values) =>
        MailSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key, v => v.Value)).Build(), "/srv/data");

    [Fact]
    public void Defaults_write_files_under_the_data_folder_and_link_to_localhost()
    {
        var settings = Load();

        settings.Smtp.ShouldBeNull();
        settings.MailDirectory.ShouldBe(Path.Combine("/srv/data", "mail"));
        settings.FrontendUrl.ShouldBe("http://localhost:8080");
        settings.ProductName.ShouldBe("My-SaaS-Chat");
        settings.From.Name.ShouldBe("My-SaaS-Chat");
    }

    [Fact]
    public void Smtp_port_defaults_to_587_and_to_465_with_tls_on_connect()
    {
        Load(("SMTP_HOST", "smtp.example.com"), ("SMTP_FROM", "a@example.com")).Smtp!.Port.ShouldBe(587);
        Load(("SMTP_HOST", "smtp.example.com"), ("SMTP_FROM", "a@example.com"), ("SMTP_SECURE", "true")).Smtp!.Port.ShouldBe(465);
    }

    [Theory]
    [InlineData("FRONTEND_URL", "not a url", null, null)]
    [InlineData("FRONTEND_URL", "ftp://files.example.com", null, null)]
    [InlineData("SMTP_FROM", null, "SMTP_HOST", "smtp.example.com")]
    [InlineData("SMTP_FROM", "nobody", null, null)]
    [InlineData("SMTP_PORT", "70000", "SMTP_HOST", "smtp.example.com")]
    [InlineData("SMTP_SECURE", "maybe", "SMTP_HOST", "smtp.example.com")]
    [InlineData("SMTP_PASS", null, "SMTP_USER", "mailer")]
    public void A_bad_setting_stops_start_up_naming_the_variable(string variable, string? value, string? otherKey, string? otherValue)
    {
        var values = new List<(string, string?)> { (variable, value) };
        if (otherKey is not null) values.Add((otherKey, otherValue));
        if (variable is "SMTP_PORT" or "SMTP_SECURE") values.Add(("SMTP_FROM", "a@example.com"));
        if (variable == "SMTP_PASS") values.Add(("SMTP_HOST", "smtp.example.com"));

        var ex = Should.Throw<SettingsException>(() => Load(values.ToArray()));

        ex.Variable.ShouldBe(variable);
    }

    [Fact]
    public async Task The_program_refuses_to_start_with_a_bad_frontend_url()
    {
        var ex = await Should.ThrowAsync<SettingsException>(() => TestApp.StartAsync(MailTestKit.Settings(("FRONTEND_URL", "chat.example.com"))));
        ex.Variable.ShouldBe("FRONTEND_URL");
    }
}
