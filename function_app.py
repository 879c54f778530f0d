"""Azure Functions entry point (Python v2 programming model): build the app, register blueprints.

Every route needs a function key in Azure (AuthLevel.FUNCTION) unless its blueprint says otherwise.
"""

import azure.functions as func

from api_spec.blueprint import bp as api_spec_bp
from catch_all.blueprint import catch_all_blueprint
from feedback.blueprint import bp as feedback_bp
from predict.blueprint import bp as predict_bp
from service.settings import get_settings
from service.telemetry import start_telemetry
from web.blueprint import bp as web_bp

# Once per worker process; configured in a background thread, off the path to the first response.
start_telemetry(get_settings())

app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)
app.register_functions(predict_bp)
app.register_functions(feedback_bp)
app.register_functions(api_spec_bp)
app.register_functions(web_bp)
app.register_functions(catch_all_blueprint(app))  # JSON 404/405 for what no function serves
