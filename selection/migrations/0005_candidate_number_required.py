from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("selection", "0004_default_template_deciders_opinions")]

    operations = [
        migrations.AlterField(
            model_name="candidate",
            name="number",
            field=models.PositiveSmallIntegerField(help_text="在本次工作内从 1 起编号；表决票、考核结果按此编号填写",
                                                   verbose_name="人选编号"),
        ),
        migrations.AlterField(
            model_name="historicalcandidate",
            name="number",
            field=models.PositiveSmallIntegerField(default=None, help_text="在本次工作内从 1 起编号；表决票、考核结果按此编号填写",
                                                   verbose_name="人选编号"),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="candidate",
            constraint=models.UniqueConstraint(fields=("case", "number"), name="candidate_unique_number"),
        ),
    ]
