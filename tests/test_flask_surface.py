"""Flask 3.1's public names, and where each one is in tinyweb or why it is not.

Tests never import Flask, so its surface is written here as data: the public names of
the objects a Flask app touches (Flask 3.1.3 and Werkzeug 3.1, from ``dir()`` of each
object; with the ``bench`` extra installed, ``python tests/test_flask_surface.py``
prints them again to compare). Each name must exist on tinyweb's counterpart or be in
``LEFT_OUT`` with its reason, and every left-out name must be named in the "Not
available" section of docs/coming-from-flask.md: that page cannot claim more than there is.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import tinyweb
from tinyweb import App, Blueprint, Config, context, datastructures, json_provider, sessions, views
from tinyweb.request import Request
from tinyweb.response import Response
from tinyweb.testing import build_environ

COMING_FROM_FLASK = Path(__file__).resolve().parent.parent / "docs" / "coming-from-flask.md"

FLASK_31: dict[str, str] = {
    "flask": """
        Blueprint Config Flask Request Response abort after_this_request appcontext_popped
        appcontext_pushed appcontext_tearing_down before_render_template
        copy_current_request_context current_app flash g get_flashed_messages
        get_template_attribute got_request_exception has_app_context has_request_context
        jsonify make_response message_flashed redirect render_template
        render_template_string request request_finished request_started request_tearing_down
        send_file send_from_directory session stream_template stream_template_string
        stream_with_context template_rendered url_for
    """,
    "flask.Flask": """
        aborter aborter_class add_template_filter add_template_global add_template_test
        add_url_rule after_request after_request_funcs app_context app_ctx_globals_class
        async_to_sync auto_find_instance_path before_request before_request_funcs blueprints
        cli config config_class context_processor create_global_jinja_loader
        create_jinja_environment create_url_adapter debug default_config delete
        dispatch_request do_teardown_appcontext do_teardown_request endpoint ensure_sync
        error_handler_spec errorhandler extensions finalize_request full_dispatch_request
        get get_send_file_max_age handle_exception handle_http_exception
        handle_url_build_error handle_user_exception has_static_folder import_name
        inject_url_defaults instance_path iter_blueprints jinja_env jinja_environment
        jinja_loader jinja_options json json_provider_class log_exception logger
        make_aborter make_config make_default_options_response make_response
        make_shell_context name open_instance_resource open_resource patch
        permanent_session_lifetime post preprocess_request process_response put
        raise_routing_exception redirect register_blueprint register_error_handler
        request_class request_context response_class root_path route run secret_key
        select_jinja_autoescape send_static_file session_interface shell_context_processor
        shell_context_processors should_ignore_error static_folder static_url_path
        subdomain_matching teardown_appcontext teardown_appcontext_funcs teardown_request
        teardown_request_funcs template_context_processors template_filter template_folder
        template_global template_test test_cli_runner test_cli_runner_class test_client
        test_client_class test_request_context testing trap_http_exception
        update_template_context url_build_error_handlers url_default_functions url_defaults
        url_for url_map url_map_class url_rule_class url_value_preprocessor
        url_value_preprocessors view_functions wsgi_app
    """,
    "flask.Blueprint": """
        add_app_template_filter add_app_template_global add_app_template_test add_url_rule
        after_app_request after_request after_request_funcs app_context_processor
        app_errorhandler app_template_filter app_template_global app_template_test
        app_url_defaults app_url_value_preprocessor before_app_request before_request
        before_request_funcs cli cli_group context_processor deferred_functions delete
        endpoint error_handler_spec errorhandler get get_send_file_max_age has_static_folder
        import_name jinja_loader make_setup_state name open_resource patch post put record
        record_once register register_blueprint register_error_handler root_path route
        send_static_file static_folder static_url_path subdomain teardown_app_request
        teardown_request teardown_request_funcs template_context_processors template_folder
        url_default_functions url_defaults url_prefix url_value_preprocessor
        url_value_preprocessors url_values_defaults view_functions
    """,
    "flask.Request": """
        accept_charsets accept_encodings accept_languages accept_mimetypes
        access_control_request_headers access_control_request_method access_route
        application args authorization base_url blueprint blueprints cache_control close
        content_encoding content_length content_md5 content_type cookies data date
        dict_storage_class endpoint environ files form form_data_parser_class from_values
        full_path get_data get_json headers host host_url if_match if_modified_since
        if_none_match if_range if_unmodified_since input_stream is_json is_multiprocess
        is_multithread is_run_once is_secure json json_module list_storage_class
        make_form_data_parser max_content_length max_form_memory_size max_form_parts
        max_forwards method mimetype mimetype_params on_json_loading_failed origin
        parameter_storage_class path pragma query_string range referrer remote_addr
        remote_user root_path root_url routing_exception scheme script_root server shallow
        stream trusted_hosts url url_root url_rule user_agent user_agent_class values
        view_args want_form_data_parsed
    """,
    "flask.Response": """
        accept_ranges access_control_allow_credentials access_control_allow_headers
        access_control_allow_methods access_control_allow_origin
        access_control_expose_headers access_control_max_age add_etag age allow
        autocorrect_location_header automatically_set_content_length cache_control
        calculate_content_length call_on_close close content_encoding content_language
        content_length content_location content_md5 content_range content_security_policy
        content_security_policy_report_only content_type cross_origin_embedder_policy
        cross_origin_opener_policy data date default_mimetype default_status delete_cookie
        direct_passthrough expires force_type freeze from_app get_app_iter get_data get_etag
        get_json get_wsgi_headers get_wsgi_response headers implicit_sequence_conversion
        is_json is_sequence is_streamed iter_encoded json json_module last_modified location
        make_conditional make_sequence max_cookie_size mimetype mimetype_params response
        retry_after set_cookie set_data set_etag status status_code stream vary
        www_authenticate
    """,
    "flask.Config": """
        clear copy from_envvar from_file from_mapping from_object from_prefixed_env
        from_pyfile fromkeys get get_namespace items keys pop popitem setdefault update
        values
    """,
    "flask.testing.FlaskClient": """
        allow_subdomain_redirects application delete delete_cookie environ_base get
        get_cookie head open options patch post preserve_context put resolve_redirect
        response_wrapper run_wsgi_app session_transaction set_cookie trace
    """,
    "flask.testing.FlaskCliRunner": """
        get_default_prog_name invoke isolated_filesystem isolation make_env
    """,
    "werkzeug.test.TestResponse": """
        accept_ranges access_control_allow_credentials access_control_allow_headers
        access_control_allow_methods access_control_allow_origin
        access_control_expose_headers access_control_max_age add_etag age allow
        autocorrect_location_header automatically_set_content_length cache_control
        calculate_content_length call_on_close close content_encoding content_language
        content_length content_location content_md5 content_range content_security_policy
        content_security_policy_report_only content_type cross_origin_embedder_policy
        cross_origin_opener_policy data date default_mimetype default_status delete_cookie
        expires force_type freeze from_app get_app_iter get_data get_etag get_json
        get_wsgi_headers get_wsgi_response implicit_sequence_conversion is_json is_sequence
        is_streamed iter_encoded json json_module last_modified location make_conditional
        make_sequence max_cookie_size mimetype mimetype_params retry_after set_cookie
        set_data set_etag status status_code stream text vary www_authenticate
    """,
    "flask.json": """
        current_app dump dumps jsonify load loads
    """,
    "flask.sessions": """
        CallbackDict NullSession SecureCookieSession SecureCookieSessionInterface
        SessionInterface SessionMixin TaggedJSONSerializer session_json_serializer
    """,
    "flask.views": """
        MethodView View request
    """,
    "flask.ctx.AppContext": """
        pop push
    """,
    "flask.ctx.RequestContext": """
        copy match_request pop push session
    """,
}

# Flask's name -> tinyweb's, where tinyweb chose another name.
RENAMED = {"flask.Flask": "App"}

# Names tinyweb does not have, each with the reason; docs/coming-from-flask.md lists them.
LEFT_OUT = {
    "flask.Flask.create_url_adapter": "the router is tinyweb's trie, not Werkzeug's Map",
    "flask.Flask.url_map_class": "the router is tinyweb's trie, not Werkzeug's Map",
    "flask.Flask.url_rule_class": "the router is tinyweb's trie, not Werkzeug's Map",
    "flask.Request.form_data_parser_class": "the form parser is a function, not an object",
    "flask.Request.make_form_data_parser": "the form parser is a function, not an object",
    "flask.Request.shallow": "Werkzeug's guard for middleware; reads are always allowed",
    "flask.testing.FlaskClient.preserve_context": "internal: `with client:` preserves",
    "flask.testing.FlaskClient.response_wrapper": "internal: responses are TestResponse",
    "flask.testing.FlaskCliRunner.get_default_prog_name": "Click internal",
    "flask.testing.FlaskCliRunner.isolation": "Click internal",
    "flask.testing.FlaskCliRunner.make_env": "Click internal",
    "flask.sessions.TaggedJSONSerializer": "the session's JSON tags are fixed",
    "flask.sessions.session_json_serializer": "the session's JSON tags are fixed",
}


def _counterparts() -> dict[str, tuple[Any, ...]]:
    """Where each Flask object's names are looked for in tinyweb."""
    app = App("surface")
    client = app.test_client()
    return {
        "flask": (tinyweb,),
        "flask.Flask": (app,),
        "flask.Blueprint": (Blueprint("surface", "surface"),),
        "flask.Request": (Request(build_environ("/")),),
        "flask.Response": (Response(),),
        "flask.Config": (Config("."),),
        "flask.testing.FlaskClient": (client,),
        "flask.testing.FlaskCliRunner": (app.test_cli_runner(),),
        "werkzeug.test.TestResponse": (client.get("/"),),
        "flask.json": (json_provider,),
        "flask.sessions": (sessions, datastructures),
        "flask.views": (views,),
        "flask.ctx.AppContext": (context.AppContext,),
        "flask.ctx.RequestContext": (context.RequestContext,),
    }


def _has(place: Any, name: str) -> bool:
    # dir() for objects (it never runs a property, e.g. request.json); modules load their
    # names lazily (tinyweb.__getattr__), so those are asked with hasattr.
    return hasattr(place, name) if isinstance(place, type(tinyweb)) else name in dir(place)


def _missing() -> list[str]:
    places = _counterparts()
    return [
        f"{owner}.{name}"
        for owner, names in FLASK_31.items()
        for name in names.split()
        if not any(_has(place, RENAMED.get(f"{owner}.{name}", name)) for place in places[owner])
    ]


def test_every_flask_name_exists_in_tinyweb_or_is_left_out_with_a_reason() -> None:
    assert sorted(set(_missing()) - set(LEFT_OUT)) == []


def test_nothing_left_out_exists_now() -> None:
    assert sorted(set(LEFT_OUT) - set(_missing())) == []  # it arrived: drop it from LEFT_OUT


def test_the_flask_page_names_everything_left_out() -> None:
    text = COMING_FROM_FLASK.read_text("utf-8")
    section = text[text.index("## Not available") :]
    named = {name.rsplit(".", 1)[-1] for name in re.findall(r"`([\w.]+)`", section)}
    unnamed = [key for key in LEFT_OUT if key.rsplit(".", 1)[1] not in named]
    assert unnamed == [], "list these in docs/coming-from-flask.md's 'Not available' section"


@pytest.mark.parametrize("owner", sorted(FLASK_31))
def test_the_data_is_public_names(owner: str) -> None:
    names = FLASK_31[owner].split()
    assert names == sorted(set(names)) and not any(name.startswith("_") for name in names)


if __name__ == "__main__":  # with Flask installed (the bench extra): compare with the data
    import importlib

    for owner, names in FLASK_31.items():
        module_name, _, attribute = owner.rpartition(".")
        try:
            found = importlib.import_module(owner)
        except ImportError:
            found = getattr(importlib.import_module(module_name), attribute)
        public = {name for name in dir(found) if not name.startswith("_")}
        print(owner, "new in Flask:", sorted(public - set(names.split())))
